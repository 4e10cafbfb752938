using System.Net;
using System.Text;
using Grokking.Grains.Engine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Grokking.Silo.Hosting;

/// <summary>
/// The silo's HTTP health endpoint, for Kubernetes probes: ASP.NET Core health checks on a small Kestrel application
/// of its own (the silo's host is not a web host). <c>GET /healthz/live</c> answers 200 while the process serves;
/// <c>GET /healthz/ready</c> answers 200 only once this silo is an active member of the cluster and not draining,
/// 503 before it has joined and from the moment it starts shutting down (see <see cref="SiloReadiness.Of"/>); any
/// other path 404. Every body is one line of text.
/// </summary>
/// <remarks>
/// A hosted service registered before Orleans: it starts listening before the silo joins and, stopping after it,
/// keeps answering (503, draining) while the silo checkpoints its runs and leaves. A port it cannot bind is logged as
/// an error and does not stop the silo, which trains without probes.
/// </remarks>
internal sealed class HealthEndpoint(string address, int port, Func<SiloReadiness> readiness, ILoggerFactory loggers)
    : IHostedService, IAsyncDisposable
{
    public const string LivePath = "/healthz/live";
    public const string ReadyPath = "/healthz/ready";

    private readonly ILogger _logger = loggers.CreateLogger<HealthEndpoint>();
    private WebApplication? _app;

    /// <summary>The endpoint of a cluster silo, reading its membership status, its engine and its host's lifetime.</summary>
    public static HealthEndpoint ForSilo(IServiceProvider services, SiloOptions options)
    {
        var membership = services.GetRequiredService<ISiloStatusOracle>();
        var engine = services.GetRequiredService<TrainingEngine>();
        var lifetime = services.GetRequiredService<IHostApplicationLifetime>();
        return new HealthEndpoint(options.HealthAddress, options.HealthPort,
            () => SiloReadiness.Of(lifetime.ApplicationStopping.IsCancellationRequested, engine.IsDraining,
                membership.CurrentStatus, membership.SiloName, engine.Busy, engine.Slots),
            services.GetRequiredService<ILoggerFactory>());
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var app = Build();
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A silo without probes still trains; say so loudly rather than failing the whole process.
            _logger.LogError("Health endpoint could not listen on port {Port}: {Error}", port, e.Message);
            await app.DisposeAsync();
            return;
        }
        _app = app;
        _logger.LogInformation("Health endpoint on http://{Address}:{Port}{Live} and {Ready}", address, port, LivePath, ReadyPath);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _app, null) is not { } app) return;
        try
        {
            await app.StopAsync(cancellationToken);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _app, null) is { } app) await app.DisposeAsync();
    }

    private WebApplication Build()
    {
        // The empty builder reads no configuration (no ASPNETCORE_URLS / ASPNETCORE_HTTP_PORTS, no appsettings):
        // the address and port are the silo's options, nothing else.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(o =>
        {
            if (address == "+") o.ListenAnyIP(port);
            else o.Listen(IPAddress.Parse(address), port);
        });
        // The silo's host owns SIGTERM and Ctrl+C; this application stops when the silo's host stops it, last.
        builder.Services.AddSingleton<IHostLifetime, NoLifetime>();
        builder.Services.AddRoutingCore();
        builder.Services.AddHealthChecks()
            .AddCheck("live", () => HealthCheckResult.Healthy("live"), tags: ["live"])
            .AddCheck("ready", new ReadinessCheck(readiness), tags: ["ready"]);
        // Into the silo's log, quietly: ASP.NET Core's warnings and errors only, and no error per not-ready probe.
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new ForwardingLoggerProvider(loggers));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None);

        var app = builder.Build();
        app.MapHealthChecks(LivePath, Options("live", _ => "live"));
        app.MapHealthChecks(ReadyPath, Options("ready", report =>
        {
            var reason = report.Entries.TryGetValue("ready", out var entry) ? entry.Description ?? entry.Exception?.Message : null;
            return (report.Status == HealthStatus.Healthy ? "ready: " : "not ready: ") + (reason ?? "no answer");
        }));
        app.MapFallback("{**path}", context => WriteAsync(context, StatusCodes.Status404NotFound,
            $"unknown path; accepted: {LivePath}, {ReadyPath}"));
        return app;
    }

    private static HealthCheckOptions Options(string tag, Func<HealthReport, string> body) => new()
    {
        Predicate = check => check.Tags.Contains(tag),
        ResultStatusCodes =
        {
            [HealthStatus.Healthy] = StatusCodes.Status200OK,
            [HealthStatus.Degraded] = StatusCodes.Status200OK,
            [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
        },
        ResponseWriter = (context, report) => WriteAsync(context, context.Response.StatusCode, body(report)),
    };

    /// <summary>One line of text: the whole body of every answer.</summary>
    private static Task WriteAsync(HttpContext context, int status, string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line + "\n");
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.ContentLength = bytes.Length;
        return context.Response.Body.WriteAsync(bytes, context.RequestAborted).AsTask();
    }

    /// <summary>Instead of the console lifetime, which would stop this application on SIGTERM before the silo drains.</summary>
    private sealed class NoLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>The application's loggers write to the silo's.</summary>
    private sealed class ForwardingLoggerProvider(ILoggerFactory target) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => target.CreateLogger(categoryName);
        public void Dispose() { }
    }
}
