namespace Grokking.Training.Metrics;

/// <summary>What a run achieved: when it fit and generalised, its phase, and its final measurements.</summary>
/// <param name="StoppedEarly">A stopping rule fired (<see cref="StopReason"/> names it); false for a diverged run.</param>
public sealed record RunOutcome(
    long StepsTrained,
    long? StepTrain99,
    long? StepVal99,
    long? StepTrainThreshold,
    long? StepValThreshold,
    Phase Phase,
    double FinalTrainLoss,
    double FinalTrainAcc,
    double FinalValLoss,
    double FinalValAcc,
    double MaxValAcc,
    bool StoppedEarly,
    double WallTimeS)
{
    /// <summary>First evaluated step with validation loss below the run's level (training.val_loss_level).</summary>
    public long? StepValLossBelow { get; init; }

    /// <summary>The step whose training loss became NaN or infinite (the run stopped there); null if it never did.</summary>
    public long? DivergedAt { get; init; }

    /// <summary>
    /// Why the run ended before its step budget: a stopping rule's reason (<c>val_acc</c>, <c>val_loss</c>,
    /// <c>phase_decided</c>) or <c>diverged</c>; null when it trained every step without one firing (or is still going).
    /// </summary>
    public string? StopReason { get; init; }

    /// <summary>Steps between fitting and generalising (null unless both happened).</summary>
    public long? GrokkingGap => StepVal99 - StepTrain99;
}
