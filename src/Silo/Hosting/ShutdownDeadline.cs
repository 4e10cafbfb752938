using System.Runtime.InteropServices;
using Grokking.Grains.Engine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Grokking.Silo.Hosting;

/// <summary>
/// Bounds how long a stopping silo lives. Leaving the cluster updates the membership table in Redis, and with Redis
/// gone Orleans waits for it (over two minutes in all, past a pod's grace period, where Kubernetes would SIGKILL it
/// anyway). Once the engine has drained (every run checkpointed or given up, at most the checkpoint grace) the silo
/// gets <see cref="LeaveMargin"/> to leave gracefully; after that it exits with code 0 without waiting for the
/// table: its runs are safe, and the cluster declares it dead by its missed probes as it would after a kill.
/// </summary>
internal sealed partial class ShutdownDeadline(TrainingEngine engine, IHostApplicationLifetime lifetime, ILogger<ShutdownDeadline> logger)
    : IHostedService
{
    /// <summary>Time to leave the cluster after the engine has drained.</summary>
    public static readonly TimeSpan LeaveMargin = TimeSpan.FromSeconds(10);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(() => _ = Task.Run(WatchAsync));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task WatchAsync()
    {
        // The drain starts when the silo lifecycle reaches the engine's stage; wait for it to begin and to end.
        // An idle engine that has not been asked to drain within 2 s has nothing to drain.
        var stopping = System.Diagnostics.Stopwatch.StartNew();
        while (stopping.Elapsed < EngineLifecycle.CheckpointGrace + TimeSpan.FromSeconds(5)
            && !(engine.IsIdle && (engine.IsDraining || stopping.Elapsed > TimeSpan.FromSeconds(2))))
            await Task.Delay(100);
        await Task.Delay(LeaveMargin);
        logger.LogWarning("Shutdown: the silo did not leave the cluster within {Margin} s of draining (is Redis reachable?); exiting now. "
            + "Its runs are checkpointed; the cluster declares it dead by its missed probes.", LeaveMargin.TotalSeconds);
        Console.Out.Flush();
        Console.Error.Flush();
        Exit(0);
    }

    /// <summary>_exit(2): ends the process at once, without the host's exit handlers (which would wait for the stop).</summary>
    [LibraryImport("libc", EntryPoint = "_exit")]
    private static partial void Exit(int status);
}
