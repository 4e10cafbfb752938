using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Grokking.Silo.Hosting;

/// <summary>The readiness answer of <c>/healthz/ready</c>: whether the silo should be sent work, and why.</summary>
internal readonly record struct SiloReadiness(bool Ready, string Reason)
{
    /// <summary>
    /// Ready only while the silo is an active member of the cluster and not shutting down: <paramref name="stopping"/>
    /// (the host's ApplicationStopping fired) or <paramref name="draining"/> (the engine checkpoints its runs) make it
    /// not ready at once, before the silo leaves the membership table.
    /// </summary>
    public static SiloReadiness Of(bool stopping, bool draining, SiloStatus status, string siloName, int busy, int slots)
    {
        if (stopping || draining) return new(false, "draining: checkpointing runs before leaving the cluster");
        return status == SiloStatus.Active
            ? new(true, $"active member of cluster as {siloName} ({busy}/{slots} slots busy)")
            : new(false, $"silo status {status}; ready once it has joined the cluster");
    }
}

/// <summary>The health check behind <c>/healthz/ready</c>: Healthy (200) when ready, Unhealthy (503) when not; the reason is its description.</summary>
internal sealed class ReadinessCheck(Func<SiloReadiness> readiness) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var (ready, reason) = readiness();
        return Task.FromResult(ready ? HealthCheckResult.Healthy(reason) : HealthCheckResult.Unhealthy(reason));
    }
}
