using Grokking.Grains.Engine;

namespace Grokking.Silo.Hosting;

/// <summary>On shutdown, interrupts the engine's runs while the silo can still deliver their final reports.</summary>
internal sealed class EngineLifecycle(TrainingEngine engine) : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly TimeSpan CheckpointGrace = TimeSpan.FromSeconds(60);

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(EngineLifecycle), ServiceLifecycleStage.Active, _ => Task.CompletedTask,
            _ => engine.InterruptAllAsync(CheckpointGrace));
}
