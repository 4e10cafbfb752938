using Grokking.Training.Metrics;

namespace Grokking.Grains.Contracts;

/// <summary>A run's outcome as carried between grains and written to runs.parquet.</summary>
[GenerateSerializer]
public sealed record RunOutcomeSummary
{
    [Id(0)] public long StepsTrained { get; init; }
    [Id(1)] public long? StepTrain99 { get; init; }
    [Id(2)] public long? StepVal99 { get; init; }
    [Id(3)] public long? StepTrainThreshold { get; init; }
    [Id(4)] public long? StepValThreshold { get; init; }
    [Id(5)] public string Phase { get; init; } = "";
    [Id(6)] public double FinalTrainLoss { get; init; }
    [Id(7)] public double FinalTrainAcc { get; init; }
    [Id(8)] public double FinalValLoss { get; init; }
    [Id(9)] public double FinalValAcc { get; init; }
    [Id(10)] public double MaxValAcc { get; init; }
    [Id(11)] public bool StoppedEarly { get; init; }
    [Id(12)] public double WallTimeS { get; init; }

    /// <summary>First evaluated step with validation loss below training.val_loss_level.</summary>
    [Id(13)] public long? StepValLossBelow { get; init; }

    /// <summary>The step whose training loss became NaN or infinite (phase diverged).</summary>
    [Id(14)] public long? DivergedAt { get; init; }

    /// <summary>Why the run ended before its step budget (val_acc, val_loss, phase_decided, diverged); null if it did not.</summary>
    [Id(15)] public string? StopReason { get; init; }

    /// <summary>Steps between fitting and generalising (null unless both happened).</summary>
    public long? GrokkingGap => StepVal99 - StepTrain99;

    public static RunOutcomeSummary From(RunOutcome outcome) => new()
    {
        StepsTrained = outcome.StepsTrained,
        StepTrain99 = outcome.StepTrain99,
        StepVal99 = outcome.StepVal99,
        StepTrainThreshold = outcome.StepTrainThreshold,
        StepValThreshold = outcome.StepValThreshold,
        Phase = outcome.Phase.ToString().ToLowerInvariant(),
        FinalTrainLoss = outcome.FinalTrainLoss,
        FinalTrainAcc = outcome.FinalTrainAcc,
        FinalValLoss = outcome.FinalValLoss,
        FinalValAcc = outcome.FinalValAcc,
        MaxValAcc = outcome.MaxValAcc,
        StoppedEarly = outcome.StoppedEarly,
        WallTimeS = outcome.WallTimeS,
        StepValLossBelow = outcome.StepValLossBelow,
        DivergedAt = outcome.DivergedAt,
        StopReason = outcome.StopReason,
    };
}
