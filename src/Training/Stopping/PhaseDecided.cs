using Grokking.Training.Metrics;

namespace Grokking.Training.Stopping;

/// <summary>
/// Fires once Liu et al.'s phase of the run can no longer change (<c>training.stop: { phase_decided: true }</c>).
/// </summary>
/// <remarks>
/// <see cref="PhaseClassifier.Classify(long?, long?, long)"/> reads only the first evaluated step with train accuracy at or
/// above <c>training.phase_threshold</c> and the first such step for validation accuracy. Once both exist, later
/// evaluations cannot move either, so the label (comprehension or grokking, split by <c>training.phase_gap</c>) is final:
/// the run stopped here gets the label it would get trained to the end, whatever its accuracies do afterwards. Before
/// that the label is open: with neither crossing it may still become any phase; with only train crossed, memorization,
/// comprehension or grokking; with only validation crossed, confusion or comprehension. Both crossings need not fall
/// on the same evaluation, and accuracy need not still be at the threshold when the second one comes. The rule fires
/// on the <paramref name="evals"/>-th evaluation counted from the one that decided the phase (1: that one), which
/// leaves some curve after the decision for those who want it. Divergence is not a phase of its own here: a loss that
/// becomes NaN stops the run as diverged before or after this rule, as with every rule.
/// </remarks>
public sealed class PhaseDecided(double threshold, int evals) : IStopRule
{
    public string Reason => "phase_decided";

    /// <summary>First evaluated step with train accuracy at or above the threshold (the tracker's step_train_threshold).</summary>
    public long? TrainStep { get; private set; }

    /// <summary>First evaluated step with validation accuracy at or above the threshold (step_val_threshold).</summary>
    public long? ValStep { get; private set; }

    /// <summary>Evaluations since the phase was decided, the deciding one included.</summary>
    public int EvalsDecided { get; private set; }

    public bool Fired => EvalsDecided >= evals;

    public bool Observe(Evaluation evaluation)
    {
        // The same comparisons as OutcomeTracker's first-crossing steps, which the classifier reads.
        if (evaluation.TrainAcc >= threshold) TrainStep ??= evaluation.Step;
        if (evaluation.ValAcc >= threshold) ValStep ??= evaluation.Step;
        if (TrainStep is not null && ValStep is not null && !Fired) EvalsDecided++;
        return Fired;
    }

    public void Save(BinaryWriter w)
    {
        w.Write(TrainStep ?? -1);
        w.Write(ValStep ?? -1);
        w.Write(EvalsDecided);
    }

    public void Restore(BinaryReader r)
    {
        long train = r.ReadInt64(), val = r.ReadInt64();
        TrainStep = train < 0 ? null : train;
        ValStep = val < 0 ? null : val;
        EvalsDecided = r.ReadInt32();
    }
}
