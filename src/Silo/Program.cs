using Grokking.Silo.Hosting;
using Microsoft.Extensions.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.AddGrokkingSilo(new SiloOptions());
await builder.Build().RunAsync();
