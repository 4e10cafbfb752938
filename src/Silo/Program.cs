using System.CommandLine;
using Grokking.Silo.Hosting;
using Microsoft.Extensions.Hosting;

var command = SiloCommandLine.Create(async (options, cancellation) =>
{
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
return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
