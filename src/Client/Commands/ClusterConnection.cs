using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Grokking.Client.Commands;

/// <summary>An Orleans client connected to a Redis-clustered Grokking cluster.</summary>
public sealed class ClusterConnection : IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);
    private readonly IHost _host;

    private ClusterConnection(IHost host) => _host = host;

    public IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    /// <summary>Connects, or throws <see cref="ClusterUnreachableException"/> within about 15 seconds.</summary>
    public static async Task<ClusterConnection> ConnectAsync(string redis, string clusterId, CancellationToken cancellation)
    {
        if (string.IsNullOrWhiteSpace(redis))
            throw new ArgumentException("--redis is required (or set GROKKING_REDIS): the connection string of the cluster's Redis, e.g. localhost:6379.");
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.UseRedisClustering(redis);
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = "grokking";
            });
        });
        var host = builder.Build();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(ConnectTimeout);
        try
        {
            await host.StartAsync(timeout.Token);
            return new ClusterConnection(host);
        }
        catch (Exception e) when (!cancellation.IsCancellationRequested)
        {
            host.Dispose();
            throw new ClusterUnreachableException(
                $"cannot reach the Grokking cluster '{clusterId}' through Redis '{Redacted(redis)}' within {ConnectTimeout.TotalSeconds:0} s: {e.GetBaseException().Message}", e);
        }
    }

    // Connection strings may carry a password; never print it.
    private static string Redacted(string redis) =>
        string.Join(',', redis.Split(',').Select(p => p.Trim().StartsWith("password", StringComparison.OrdinalIgnoreCase) ? "password=***" : p));

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
