namespace Grokking.Grains.Sweeps;

/// <summary>What a sweep grain persists: the spec and the flags. Run states live with the run grains.</summary>
[GenerateSerializer]
public sealed record SweepState
{
    [Id(0)] public string SpecText { get; init; } = "";
    [Id(1)] public string SourceName { get; init; } = "";
    [Id(2)] public string BaseDirectory { get; init; } = "";

    /// <summary>Hash of the grid (run ids), accelerator and max_failures: equal specs have equal fingerprints.</summary>
    [Id(3)] public string Fingerprint { get; init; } = "";
    [Id(4)] public bool CancelRequested { get; init; }
    [Id(5)] public DateTime SubmittedUtc { get; init; }

    /// <summary>Keys of the runs the search added after its first ones, in order (see <see cref="Search.ISearchStrategy.Restore"/>).</summary>
    [Id(6)] public string[] Added { get; init; } = [];

    /// <summary>When the sweep was submitted or last resumed: what a time budget counts from.</summary>
    [Id(7)] public DateTime StartedUtc { get; init; }

    /// <summary>Why a sweep stop rule stopped the sweep; null while it may go on.</summary>
    [Id(8)] public string? StoppedBy { get; init; }
}
