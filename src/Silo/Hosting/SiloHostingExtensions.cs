using Microsoft.Extensions.Hosting;

namespace Grokking.Silo.Hosting;

/// <summary>Wires an Orleans silo for Grokking into a host.</summary>
public static class SiloHostingExtensions
{
    /// <summary>An embedded silo: localhost clustering, no Redis, everything under the output folder.</summary>
    public static IHostApplicationBuilder AddGrokkingSilo(this IHostApplicationBuilder builder, SiloOptions options)
    {
        builder.UseOrleans(silo => silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort));
        return builder;
    }
}
