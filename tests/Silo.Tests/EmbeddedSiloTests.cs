using Grokking.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;

namespace Grokking.Silo.Tests;

public class EmbeddedSiloTests
{
    [Fact]
    public async Task An_embedded_silo_starts_on_localhost_and_reports_itself_active()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddGrokkingSilo(new SiloOptions { SiloPort = 21111, GatewayPort = 31000, OutDir = Path.Combine(Path.GetTempPath(), "grokking-silo-" + Guid.NewGuid().ToString("N")) });
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
            Assert.Single(hosts);
            Assert.Equal(21111, hosts.Keys.Single().Endpoint.Port);
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
