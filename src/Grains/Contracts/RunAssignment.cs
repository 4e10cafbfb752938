namespace Grokking.Grains.Contracts;

/// <summary>What a sweep hands a run grain: which grid point, under which spec, with which limits.</summary>
[GenerateSerializer]
public sealed record RunAssignment
{
    [Id(0)] public string SweepId { get; init; } = "";
    [Id(1)] public string RunId { get; init; } = "";
    [Id(2)] public int Index { get; init; }

    /// <summary>The spec as submitted; silos parse it once and cache the expansion.</summary>
    [Id(3)] public string SpecText { get; init; } = "";
    [Id(4)] public string SourceName { get; init; } = "";

    /// <summary>Folder that relative data_dir paths in the spec resolve against.</summary>
    [Id(5)] public string BaseDirectory { get; init; } = "";

    /// <summary>Failures tolerated before the run is Failed.</summary>
    [Id(6)] public int MaxFailures { get; init; }

    /// <summary>Clears a Cancelled or Failed state (resume).</summary>
    [Id(7)] public bool Reopen { get; init; }
}
