namespace Grokking.Grains.Contracts;

/// <summary>What changed in a sweep since a reader's last look (see <see cref="ISweepGrain.GetRunChanges"/>).</summary>
[GenerateSerializer]
public sealed record RunChanges
{
    /// <summary>False when no sweep of this name was ever submitted.</summary>
    [Id(0)] public bool Exists { get; init; }

    /// <summary>Names this activation of the sweep: versions of another epoch mean nothing here.</summary>
    [Id(1)] public string Epoch { get; init; } = "";

    /// <summary>The version to ask from next time.</summary>
    [Id(2)] public long Version { get; init; }

    /// <summary>True when <see cref="Records"/> holds every run (a first look, another epoch, or all runs changed).</summary>
    [Id(3)] public bool All { get; init; }

    /// <summary>The changed runs' records, in sweep order, as <see cref="ISweepGrain.GetRuns"/> gives them.</summary>
    [Id(4)] public IReadOnlyList<RunRecord> Records { get; init; } = [];

    /// <summary>The sweep's status without its per-run lists (<see cref="SweepStatus.Active"/> and <see cref="SweepStatus.Failures"/> empty).</summary>
    [Id(5)] public SweepStatus Status { get; init; } = new();
}
