namespace Grokking.Grains.Contracts;

/// <summary>
/// What a run tolerates before it ends Failed. The sweep grants them with each start; the run grain persists them with
/// the run's state, so an activation that receives a report without having been started (after a reactivation)
/// applies the same limits.
/// </summary>
[GenerateSerializer]
public sealed record RunLimits
{
    /// <summary>Silos a run may lose before the next loss fails it: a run that takes its silo down (out of memory, a
    /// crashing kernel) would otherwise be retried on silo after silo.</summary>
    public const int DefaultMaxLostSilos = 3;

    /// <summary>Failed attempts (the run threw) before the run is Failed: the spec's max_failures.</summary>
    [Id(0)] public int MaxFailures { get; init; }

    /// <summary>Silos declared dead while training the run that are tolerated; one more ends it Failed.</summary>
    [Id(1)] public int MaxLostSilos { get; init; } = DefaultMaxLostSilos;

    /// <summary>Keep the run's final checkpoint once it is done (training.keep_final_checkpoint).</summary>
    [Id(2)] public bool KeepFinalCheckpoint { get; init; }
}
