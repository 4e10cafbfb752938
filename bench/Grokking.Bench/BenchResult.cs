namespace Grokking.Bench;

/// <summary>What the summary needs: each figure with its target, and whether the overhead compared like with like.</summary>
public sealed record BenchResult(IReadOnlyList<Target> Targets, bool BareLoopDoesTrainerWork);
