using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Grokking.Silo.Hosting;
using Microsoft.Extensions.Logging;

namespace Grokking.Silo.Tests.Hosting;

/// <summary>The health endpoint alone, without Orleans: its readiness comes from a delegate.</summary>
public class HealthEndpointTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task Answers_each_path_with_one_line_of_text_and_unknown_paths_with_404_naming_the_accepted_ones()
    {
        int port = FreePort();
        var readiness = new SiloReadiness(false, "silo status Joining; ready once it has joined the cluster");
        await using var endpoint = new HealthEndpoint("127.0.0.1", port, () => readiness, LoggerFactory.Create(_ => { }));
        await endpoint.StartAsync(CancellationToken.None);
        try
        {
            foreach (var path in new[] { "/healthz/other", "/", "/healthz", "/healthz/live/more", "/metrics.txt" })
                await AssertAnswer(port, path, HttpStatusCode.NotFound, "unknown path; accepted: /healthz/live, /healthz/ready\n");
            await AssertAnswer(port, "/healthz/live", HttpStatusCode.OK, "live\n");
            await AssertAnswer(port, "/healthz/ready", HttpStatusCode.ServiceUnavailable,
                "not ready: silo status Joining; ready once it has joined the cluster\n");
            readiness = new SiloReadiness(true, "active member of cluster as silo-1 (0/2 slots busy)");
            await AssertAnswer(port, "/healthz/ready", HttpStatusCode.OK, "ready: active member of cluster as silo-1 (0/2 slots busy)\n");
            await AssertAnswer(port, "/healthz/ready/", HttpStatusCode.OK, "ready: active member of cluster as silo-1 (0/2 slots busy)\n");
        }
        finally
        {
            await endpoint.StopAsync(CancellationToken.None);
        }
        await Assert.ThrowsAsync<HttpRequestException>(() => Http.GetAsync($"http://127.0.0.1:{port}/healthz/live"));
    }

    [Fact]
    public async Task A_port_in_use_is_logged_as_an_error_and_does_not_fail_the_start()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        int port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var log = new ConcurrentQueue<(LogLevel Level, string Message)>();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(new CollectingProvider(log)));
        await using var endpoint = new HealthEndpoint("127.0.0.1", port, () => new SiloReadiness(true, "ok"), loggers);

        await endpoint.StartAsync(CancellationToken.None);
        await endpoint.StopAsync(CancellationToken.None);

        Assert.Contains(log, e => e.Level == LogLevel.Error && e.Message.StartsWith($"Health endpoint could not listen on port {port}:"));
    }

    [Fact]
    public void Ready_only_as_an_active_member_that_is_not_shutting_down()
    {
        Assert.Equal(new SiloReadiness(true, "active member of cluster as silo-a (1/2 slots busy)"),
            SiloReadiness.Of(stopping: false, draining: false, SiloStatus.Active, "silo-a", 1, 2));
        Assert.Equal(new SiloReadiness(false, "silo status Joining; ready once it has joined the cluster"),
            SiloReadiness.Of(stopping: false, draining: false, SiloStatus.Joining, "silo-a", 0, 2));
        var draining = new SiloReadiness(false, "draining: checkpointing runs before leaving the cluster");
        Assert.Equal(draining, SiloReadiness.Of(stopping: true, draining: false, SiloStatus.Active, "silo-a", 1, 2));
        Assert.Equal(draining, SiloReadiness.Of(stopping: false, draining: true, SiloStatus.Active, "silo-a", 1, 2));
    }

    private static async Task AssertAnswer(int port, string path, HttpStatusCode code, string body)
    {
        using var response = await Http.GetAsync($"http://127.0.0.1:{port}{path}");
        Assert.True(code == response.StatusCode, $"{path}: {(int)response.StatusCode}, expected {(int)code}");
        Assert.Equal(body, await response.Content.ReadAsStringAsync());
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType?.ToString());
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class CollectingProvider(ConcurrentQueue<(LogLevel, string)> log) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Collector(log);
        public void Dispose() { }

        private sealed class Collector(ConcurrentQueue<(LogLevel, string)> log) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                log.Enqueue((logLevel, formatter(state, exception)));
        }
    }
}
