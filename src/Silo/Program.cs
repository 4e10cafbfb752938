using System.CommandLine;
using Grokking.Silo.Hosting;
using Microsoft.Extensions.Hosting;

var command = SiloCommandLine.Create(async (options, cancellation) =>
{
    if (options.Slots is < 1 or > SiloCommandLine.MaxSlots || options.TorchThreads is < 0 or > SiloCommandLine.MaxThreads)
    {
        Console.Error.WriteLine($"error: --slots / GROKKING_SLOTS {options.Slots}, --torch-threads / GROKKING_TORCH_THREADS {options.TorchThreads}: "
            + $"accepted: 1 to {SiloCommandLine.MaxSlots} slots, 0 (torch's default) to {SiloCommandLine.MaxThreads} threads.");
        return 2;
    }
    if (!options.IsEmbedded)
    {
        // Say what is wrong at once instead of hanging in Orleans' retries: 2 for a malformed string, 1 for a Redis
        // that does not answer or refuses the password.
        try
        {
            await RedisAddress.Parse(options.Redis!).CheckReachableAsync(cancellation);
        }
        catch (RedisAddressException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (ClusterUnreachableException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
    var builder = Host.CreateApplicationBuilder();
    builder.AddGrokkingSilo(options);
    using var host = builder.Build();
    await host.RunAsync(cancellation);
    return 0;
});
var parsed = command.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors) Console.Error.WriteLine($"error: {error.Message}");
    return 2;
}
// SIGTERM and Ctrl+C belong to the host, which drains the engine (every run checkpoints) and leaves the cluster
// within HostOptions.ShutdownTimeout. System.CommandLine's own handling would kill the process 2 s after the
// signal, before a large model has checkpointed.
// Anything no one caught is one line and exit 1; the stack trace goes to the log (the console logger of the host).
try
{
    return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false });
}
catch (Exception e)
{
    var detail = e is AggregateException { InnerExceptions.Count: 1 } single ? single.InnerException! : e;
    Console.Error.WriteLine($"error: the silo stopped: {detail.GetType().Name}: {detail.Message.ReplaceLineEndings(" ")}");
    Console.Out.WriteLine(detail.ToString());
    return 1;
}
