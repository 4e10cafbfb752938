using Grokking.Silo.Hosting;
using Microsoft.Extensions.Hosting;

var command = SiloCommandLine.Create(async (options, cancellation) =>
{
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
