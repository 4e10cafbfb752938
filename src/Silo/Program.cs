using Grokking.Silo.Hosting;
using Microsoft.Extensions.Hosting;

var command = SiloCommandLine.Create(async (options, cancellation) =>
{
    if (!options.IsEmbedded && await RedisPreflight.CheckAsync(options.Redis!, "--redis / GROKKING_REDIS") is { } problem)
    {
        // Say so at once instead of hanging in Orleans' retries: 2 for a malformed string, 1 for an unreachable server.
        Console.Error.WriteLine($"error: {problem.Message}");
        return problem.ExitCode;
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
return await parsed.InvokeAsync();
