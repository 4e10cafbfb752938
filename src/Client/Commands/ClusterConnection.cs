using System.Diagnostics;
using Grokking.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Grokking.Client.Commands;

/// <summary>An Orleans client connected to a Redis-clustered Grokking cluster.</summary>
public sealed class ClusterConnection : IAsyncDisposable
{
    private const string ServiceId = "grokking";
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(12);
    private readonly IHost _host;

    private ClusterConnection(IHost host) => _host = host;

    public IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    /// <summary>Connects, or throws <see cref="ClusterUnreachableException"/> within about 15 seconds.</summary>
    /// <exception cref="RedisAddressException">The connection string is empty or malformed.</exception>
    /// <exception cref="TlsConfigurationException">GROKKING_TLS_* are incomplete or unreadable.</exception>
    public static async Task<ClusterConnection> ConnectAsync(string redis, string clusterId, CancellationToken cancellation)
    {
        var tls = ClusterTls.FromEnvironment();
        var clock = Stopwatch.StartNew();
        var address = RedisAddress.Parse(redis);
        // Read-only checks first: the Orleans client would otherwise create an empty membership table for a
        // cluster id no silo uses, and a dead Redis would only surface as a timeout.
        await address.CheckClusterAsync(clusterId, ServiceId, cancellation);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.UseRedisClustering(redis);
            if (tls is not null) client.UseTls(tls.Certificate, tls.Configure);
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = ServiceId;
            });
        });
        var host = builder.Build();
        var budget = ConnectTimeout - clock.Elapsed;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(budget > TimeSpan.FromSeconds(1) ? budget : TimeSpan.FromSeconds(1));
        try
        {
            await host.StartAsync(timeout.Token);
            return new ClusterConnection(host);
        }
        catch (Exception e) when (!cancellation.IsCancellationRequested)
        {
            host.Dispose();
            var reason = e is OperationCanceledException ? "" : $" ({e.GetBaseException().Message.TrimEnd('.')})";
            throw new ClusterUnreachableException(
                $"no silo of cluster '{clusterId}' answered through Redis at {address.Endpoints} within {ConnectTimeout.TotalSeconds:0} s{reason}; check that the silos are running and reachable from here, and that --cluster-id matches theirs.", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(TimeSpan.FromSeconds(5));
        }
        finally
        {
            _host.Dispose();
        }
    }
}
