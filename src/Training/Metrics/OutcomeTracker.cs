using Grokking.Training.Config;
using Grokking.Training.Stopping;

namespace Grokking.Training.Metrics;

/// <summary>Follows the evaluations of a run and records the steps that define its outcome.</summary>
public sealed class OutcomeTracker(TrainingConfig training)
{
    /// <summary>Accuracy that counts as fitted or generalised for the 99% columns.</summary>
    public const double NinetyNine = 0.99;

    public long? StepTrain99 { get; set; }
    public long? StepVal99 { get; set; }
    public long? StepTrainThreshold { get; set; }
    public long? StepValThreshold { get; set; }

    /// <summary>First evaluated step with validation loss below <see cref="TrainingConfig.ValLossLevel"/>.</summary>
    public long? StepValLossBelow { get; set; }

    /// <summary>The step whose training loss was NaN or infinite; the run stops there.</summary>
    public long? DivergedAt { get; set; }

    public double LastTrainLoss { get; set; } = double.NaN;
    public double LastTrainAcc { get; set; } = double.NaN;
    public double LastValLoss { get; set; } = double.NaN;
    public double LastValAcc { get; set; } = double.NaN;
    public double MaxValAcc { get; set; } = double.NaN;

    /// <summary>The stopping rules the config asks for (see <see cref="StopRules.For"/>).</summary>
    public IReadOnlyList<IStopRule> Rules { get; } = StopRules.For(training);

    /// <summary>Records one full evaluation.</summary>
    public void Observe(long step, double trainLoss, double trainAcc, double valLoss, double valAcc)
    {
        LastTrainLoss = trainLoss;
        LastTrainAcc = trainAcc;
        LastValLoss = valLoss;
        LastValAcc = valAcc;
        MaxValAcc = double.IsNaN(MaxValAcc) ? valAcc : Math.Max(MaxValAcc, valAcc);
        if (trainAcc >= NinetyNine) StepTrain99 ??= step;
        if (valAcc >= NinetyNine) StepVal99 ??= step;
        if (trainAcc >= training.PhaseThreshold) StepTrainThreshold ??= step;
        if (valAcc >= training.PhaseThreshold) StepValThreshold ??= step;
        if (valLoss < training.ValLossLevel) StepValLossBelow ??= step;
        var evaluation = new Evaluation(step, trainLoss, trainAcc, valLoss, valAcc);
        // Every rule sees every evaluation, so each one's state is the same whichever fires first.
        foreach (var rule in Rules) rule.Observe(evaluation);
    }

    /// <summary>Records a training loss that is no longer a finite number.</summary>
    public void Diverge(long step) => DivergedAt ??= step;

    /// <summary>Why the run stops: <see cref="StopRules.Diverged"/>, else the first fired rule's reason; null while it goes on.</summary>
    public string? StopReason => DivergedAt is not null ? StopRules.Diverged : Rules.FirstOrDefault(r => r.Fired)?.Reason;

    /// <summary>True once a stopping rule fired or the loss diverged.</summary>
    public bool ShouldStop => StopReason is not null;

    public RunOutcome Outcome(long stepsTrained, double wallTimeS) => new(
        stepsTrained, StepTrain99, StepVal99, StepTrainThreshold, StepValThreshold,
        DivergedAt is not null ? Phase.Diverged : PhaseClassifier.Classify(StepTrainThreshold, StepValThreshold, training.PhaseGap),
        LastTrainLoss, LastTrainAcc, LastValLoss, LastValAcc, MaxValAcc, ShouldStop && DivergedAt is null, wallTimeS)
    {
        StepValLossBelow = StepValLossBelow,
        DivergedAt = DivergedAt,
        StopReason = StopReason,
    };

    /// <summary>Writes the tracker's state and its rules' (part of a checkpoint, format <see cref="Checkpoints.CheckpointEnvelope.FormatVersion"/>).</summary>
    public void Save(BinaryWriter w)
    {
        foreach (var v in new[] { StepTrain99, StepVal99, StepTrainThreshold, StepValThreshold, StepValLossBelow, DivergedAt })
            w.Write(v ?? -1);
        foreach (var v in new[] { LastTrainLoss, LastTrainAcc, LastValLoss, LastValAcc, MaxValAcc }) w.Write(v);
        w.Write(Rules.Count);
        foreach (var rule in Rules) w.Write(rule.Reason);
        foreach (var rule in Rules) rule.Save(w);
    }

    /// <summary>Reads state written by <see cref="Save"/> in checkpoint format <paramref name="formatVersion"/>.</summary>
    public void Restore(BinaryReader r, int formatVersion)
    {
        static long? Step(long v) => v < 0 ? null : v;
        StepTrain99 = Step(r.ReadInt64());
        StepVal99 = Step(r.ReadInt64());
        StepTrainThreshold = Step(r.ReadInt64());
        StepValThreshold = Step(r.ReadInt64());
        StepValLossBelow = Step(r.ReadInt64());
        DivergedAt = Step(r.ReadInt64());
        LastTrainLoss = r.ReadDouble();
        LastTrainAcc = r.ReadDouble();
        LastValLoss = r.ReadDouble();
        LastValAcc = r.ReadDouble();
        MaxValAcc = r.ReadDouble();
        if (formatVersion < 3)
        {
            RestoreFormat2Rules(evalsAtTarget: r.ReadInt32());
            return;
        }
        var stored = new string[r.ReadInt32()];
        for (int i = 0; i < stored.Length; i++) stored[i] = r.ReadString();
        if (!stored.SequenceEqual(Rules.Select(rule => rule.Reason)))
            throw new InvalidDataException($"Checkpoint stop rules ({Listed(stored)}) differ from the configuration's "
                + $"({Listed(Rules.Select(rule => rule.Reason))}): it belongs to a different configuration.");
        foreach (var rule in Rules) rule.Restore(r);
    }

    // Format 2 kept one rule state, val_acc's count of consecutive evaluations at target; val_loss decided on the last
    // evaluation alone. phase_decided came later, and a config that sets it has another run id, so no format-2
    // checkpoint can be its own.
    private void RestoreFormat2Rules(int evalsAtTarget)
    {
        foreach (var rule in Rules)
        {
            switch (rule)
            {
                case ValAccHold hold:
                    hold.Held = evalsAtTarget;
                    break;
                case ValLossBelow below:
                    below.Observe(new Evaluation(0, LastTrainLoss, LastTrainAcc, LastValLoss, LastValAcc));
                    break;
                default:
                    throw new InvalidDataException(
                        $"Checkpoint format 2 predates the stop rule {rule.Reason}: it belongs to a different configuration.");
            }
        }
    }

    private static string Listed(IEnumerable<string> reasons) => reasons.Any() ? string.Join(", ", reasons) : "none";
}
