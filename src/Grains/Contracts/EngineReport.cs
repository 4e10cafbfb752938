namespace Grokking.Grains.Contracts;

/// <summary>What a silo's training engine tells a run grain about the run it trains.</summary>
[GenerateSerializer]
public sealed record EngineReport
{
    [Id(0)] public EngineReportKind Kind { get; init; }
    [Id(1)] public long Step { get; init; }
    [Id(2)] public long TotalSteps { get; init; }
    [Id(3)] public double TrainAcc { get; init; } = double.NaN;
    [Id(4)] public double ValAcc { get; init; } = double.NaN;
    [Id(5)] public RunOutcomeSummary? Outcome { get; init; }
    [Id(6)] public string? Error { get; init; }
    [Id(7)] public string? Note { get; init; }

    /// <summary>The fence token of the attempt that reports; a run grain ignores reports of attempts older than its current one.</summary>
    [Id(8)] public long Fence { get; init; }
}
