namespace Grokking.Grains.Contracts;

/// <summary>A sweep's state: counts by run status, the runs in flight and the failures.</summary>
[GenerateSerializer]
public sealed record SweepStatus
{
    [Id(0)] public string SweepId { get; init; } = "";

    /// <summary>False when no sweep of this name was ever submitted.</summary>
    [Id(1)] public bool Exists { get; init; }
    [Id(2)] public int Total { get; init; }
    [Id(3)] public int Pending { get; init; }
    [Id(4)] public int Running { get; init; }
    [Id(5)] public int Done { get; init; }
    [Id(6)] public int Failed { get; init; }
    [Id(7)] public int Cancelled { get; init; }

    /// <summary>True once a cancel was requested (and not undone by a resume).</summary>
    [Id(8)] public bool CancelRequested { get; init; }

    /// <summary>Free plus busy slots of the silos that can run this sweep.</summary>
    [Id(9)] public int Capacity { get; init; }

    /// <summary>Steps completed over all runs, and the steps all runs will take, for an overall progress bar.</summary>
    [Id(10)] public long StepsDone { get; init; }
    [Id(11)] public long StepsTotal { get; init; }

    /// <summary>The runs currently running.</summary>
    [Id(12)] public IReadOnlyList<RunRecord> Active { get; init; } = [];

    /// <summary>The runs that failed for good.</summary>
    [Id(13)] public IReadOnlyList<RunRecord> Failures { get; init; } = [];

    /// <summary>Attempts over all runs (more than the run count means retries or restarts happened).</summary>
    [Id(14)] public int Attempts { get; init; }

    /// <summary>True when every run is Done, Failed or Cancelled.</summary>
    /// <summary>The search's progress, e.g. "refining: level 2 of 4, 37 runs so far, budget 120" (the run count may grow).</summary>
    [Id(15)] public string Search { get; init; } = "";

    /// <summary>False while the search may still add runs.</summary>
    [Id(16)] public bool SearchComplete { get; init; } = true;

    /// <summary>Why a sweep stop rule (budget:) stopped the sweep; null otherwise.</summary>
    [Id(17)] public string? StoppedBy { get; init; }

    public bool IsFinished => Exists && SearchComplete && Done + Failed + Cancelled == Total;
}
