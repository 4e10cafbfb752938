namespace Grokking.Grains.Contracts;

/// <summary>Everything known about one run of a sweep: its persisted state and latest progress.</summary>
[GenerateSerializer]
public sealed record RunRecord
{
    [Id(0)] public string RunId { get; init; } = "";
    [Id(1)] public int Index { get; init; }
    [Id(2)] public RunStatus Status { get; init; } = RunStatus.Pending;

    /// <summary>Times the run was started (first start, retries after failures, restarts after a lost silo).</summary>
    [Id(3)] public int Attempts { get; init; }

    /// <summary>The silo that runs or last ran it.</summary>
    [Id(4)] public string? Silo { get; init; }

    /// <summary>The last error, if any attempt failed.</summary>
    [Id(5)] public string? Error { get; init; }

    /// <summary>Steps completed as of the latest report.</summary>
    [Id(6)] public long Step { get; init; }

    [Id(7)] public long TotalSteps { get; init; }
    [Id(8)] public double TrainAcc { get; init; } = double.NaN;
    [Id(9)] public double ValAcc { get; init; } = double.NaN;

    /// <summary>Set once the run is Done (or Cancelled, with what it reached).</summary>
    [Id(10)] public RunOutcomeSummary? Outcome { get; init; }

    /// <summary>Failures so far (counted against the sweep's max_failures).</summary>
    [Id(11)] public int Failures { get; init; }

    /// <summary>An operational note, e.g. that an unreadable checkpoint made the run restart from step 0.</summary>
    [Id(12)] public string? Note { get; init; }

    /// <summary>The fence token granted to the latest attempt (DESIGN.md, invariant 6): only that attempt may write or report.</summary>
    [Id(13)] public long Fence { get; init; }

    /// <summary>The limits the sweep granted, kept so that a reactivated grain applies them too.</summary>
    [Id(14)] public RunLimits Limits { get; init; } = new();

    /// <summary>Silos declared dead while they trained this run (since it was last reopened), in order.</summary>
    [Id(15)] public string[] LostSilos { get; init; } = [];

    /// <summary>Whether the checkpoint stays once the run is Done (the spec's keep_final_checkpoint).</summary>
    [Id(16)] public bool KeepFinalCheckpoint { get; init; }

    public bool IsFinal => Status is RunStatus.Done or RunStatus.Failed or RunStatus.Cancelled;
}
