namespace Grokking.Grains.Engine;

/// <summary>What a silo offers to runs.</summary>
public sealed record EngineOptions
{
    /// <summary>Runs trained at once on this silo.</summary>
    public int Slots { get; init; } = 1;

    /// <summary>cpu or gpu.</summary>
    public string Accelerator { get; init; } = "cpu";

    /// <summary>Output folder (shared by all silos of a cluster) for the Parquet dataset.</summary>
    public string OutDir { get; init; } = "runs";

    /// <summary>Bytes one run may use here (see <see cref="MemoryBudget"/>); a run estimated larger fails at once on this silo.</summary>
    public long MemoryPerRun { get; init; } = long.MaxValue;

    /// <summary>Where <see cref="MemoryPerRun"/> comes from, for the refusal.</summary>
    public string MemorySource { get; init; } = "";
}
