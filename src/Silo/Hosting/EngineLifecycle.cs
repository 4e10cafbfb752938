using Grokking.Grains.Engine;

namespace Grokking.Silo.Hosting;

/// <summary>
/// Graceful shutdown (SIGTERM, Ctrl+C): the first thing a stopping silo does, while it is still a full member of the
/// cluster, is drain its training engine. It takes no new runs, every running run checkpoints at its current step and
/// reports itself interrupted, and the sweep restarts it on another silo. Only then does the silo leave the cluster.
/// </summary>
internal sealed class EngineLifecycle(TrainingEngine engine) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>How long runs get to checkpoint; the pod's termination grace period must exceed it.</summary>
    public static readonly TimeSpan CheckpointGrace = TimeSpan.FromSeconds(60);

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(EngineLifecycle), ServiceLifecycleStage.Active, _ => Task.CompletedTask,
            _ => engine.DrainAsync(CheckpointGrace));
}
