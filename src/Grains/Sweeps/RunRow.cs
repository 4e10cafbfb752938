using Grokking.Grains.Contracts;
using Grokking.Grains.Specs;

namespace Grokking.Grains.Sweeps;

/// <summary>One row of runs.parquet: a grid point, what is known of it so far, and the lineage of what produced it.</summary>
/// <param name="Record">Null for a run that has not started (it is pending, with no attempts).</param>
public sealed record RunRow(RunSpec Run, RunRecord? Record, RunLineage Lineage)
{
    /// <summary>Set once the run has an outcome.</summary>
    public RunOutcomeSummary? Outcome => Record?.Outcome;
}
