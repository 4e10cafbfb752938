namespace Grokking.Grains.Specs;

/// <summary>Bounds a spec must stay within so one typo cannot launch a million runs.</summary>
public sealed record SpecLimits
{
    /// <summary>Most grid points (runs) one sweep may expand to.</summary>
    public int MaxGridSize { get; init; } = 100_000;

    /// <summary>
    /// Bytes one run may use where it will train (see <see cref="Engine.MemoryBudget"/>); a run whose estimate is larger
    /// is refused with both numbers. Null: not checked here (a submit, checked by the silo that takes the run).
    /// </summary>
    public long? MemoryPerRun { get; init; }

    /// <summary>Where <see cref="MemoryPerRun"/> comes from, for the refusal (e.g. "--memory-budget / GROKKING_MEMORY_BUDGET, split over 2 slots").</summary>
    public string MemorySource { get; init; } = "--memory-budget / " + Engine.MemoryBudget.Variable;
}
