namespace Grokking.Bench;

/// <summary>
/// What the summary needs: each figure with its target, the figures reported for information only, and whether the
/// overhead compared like with like.
/// </summary>
public sealed record BenchResult(
    IReadOnlyList<Target> Targets,
    IReadOnlyList<(string Figure, string Value)> Information,
    bool BareLoopDoesTrainerWork,
    IReadOnlyList<double> OtherCores);
