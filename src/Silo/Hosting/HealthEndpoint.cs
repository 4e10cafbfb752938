using System.Net;
using System.Text;
using Grokking.Grains.Engine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Grokking.Silo.Hosting;

/// <summary>
/// The silo's HTTP health endpoint, for Kubernetes probes. <c>GET /healthz/live</c> answers 200 while the process
/// serves; <c>GET /healthz/ready</c> answers 200 only once this silo is an active member of the cluster and not
/// draining, 503 before it has joined and from the moment it starts shutting down. Both bodies are one line of text.
/// </summary>
internal sealed class HealthEndpoint(SiloOptions options, ISiloStatusOracle membership, TrainingEngine engine,
    IHostApplicationLifetime lifetime, ILogger<HealthEndpoint> logger) : BackgroundService
{
    /// <summary>The readiness answer: whether the silo should be sent work, and why.</summary>
    public (bool Ready, string Reason) Readiness()
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested || engine.IsDraining) return (false, "draining: checkpointing runs before leaving the cluster");
        var status = membership.CurrentStatus;
        return status == SiloStatus.Active
            ? (true, $"active member of cluster as {membership.SiloName} ({engine.Busy}/{engine.Slots} slots busy)")
            : (false, $"silo status {status}; ready once it has joined the cluster");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://{options.HealthAddress}:{options.HealthPort}/healthz/");
        try
        {
            listener.Start();
        }
        catch (HttpListenerException e)
        {
            // A silo without probes still trains; say so loudly rather than failing the whole process.
            logger.LogError("Health endpoint could not listen on port {Port}: {Error}", options.HealthPort, e.Message);
            return;
        }
        logger.LogInformation("Health endpoint on http://{Address}:{Port}/healthz/live and /healthz/ready", options.HealthAddress, options.HealthPort);
        using var stop = stoppingToken.Register(listener.Stop);
        // Also answer while the host is stopping (the silo drains): stoppingToken only fires once this service stops,
        // and it is the last to stop.
        while (!stoppingToken.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException e)
            {
                logger.LogWarning("Health endpoint: {Error}", e.Message);
                continue;
            }
            Answer(context);
        }
    }

    private void Answer(HttpListenerContext context)
    {
        var path = context.Request.Url?.AbsolutePath.TrimEnd('/') ?? "";
        var (code, body) = path switch
        {
            "/healthz/live" => (200, "live"),
            "/healthz/ready" => Readiness() is var (ready, reason) && ready ? (200, "ready: " + reason) : (503, "not ready: " + reason),
            _ => (404, "unknown path; accepted: /healthz/live, /healthz/ready"),
        };
        try
        {
            var bytes = Encoding.UTF8.GetBytes(body + "\n");
            context.Response.StatusCode = code;
            context.Response.ContentType = "text/plain; charset=utf-8";
            context.Response.ContentLength64 = bytes.Length;
            context.Response.OutputStream.Write(bytes);
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The prober hung up; nothing to do.
        }
    }
}
