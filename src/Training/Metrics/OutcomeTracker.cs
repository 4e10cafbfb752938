using Grokking.Training.Config;

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

    /// <summary>Consecutive evaluations at or above the early-stop target so far.</summary>
    public int EvalsAtTarget { get; set; }

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
        EvalsAtTarget = training.StopValAcc is { } target && valAcc >= target ? EvalsAtTarget + 1 : 0;
    }

    /// <summary>Records a training loss that is no longer a finite number.</summary>
    public void Diverge(long step) => DivergedAt ??= step;

    /// <summary>True once validation accuracy has held its early-stop target long enough, validation loss fell below its
    /// target, or the loss diverged.</summary>
    public bool ShouldStop => DivergedAt is not null
        || (training.StopValAcc is not null && EvalsAtTarget >= training.StopEvals)
        || (training.StopValLoss is { } level && LastValLoss < level);

    public RunOutcome Outcome(long stepsTrained, double wallTimeS) => new(
        stepsTrained, StepTrain99, StepVal99, StepTrainThreshold, StepValThreshold,
        DivergedAt is not null ? Phase.Diverged : PhaseClassifier.Classify(StepTrainThreshold, StepValThreshold, training.PhaseGap),
        LastTrainLoss, LastTrainAcc, LastValLoss, LastValAcc, MaxValAcc, ShouldStop && DivergedAt is null, wallTimeS)
    {
        StepValLossBelow = StepValLossBelow,
        DivergedAt = DivergedAt,
    };

    /// <summary>Writes the tracker's state (part of a checkpoint).</summary>
    public void Save(BinaryWriter w)
    {
        foreach (var v in new[] { StepTrain99, StepVal99, StepTrainThreshold, StepValThreshold, StepValLossBelow, DivergedAt })
            w.Write(v ?? -1);
        foreach (var v in new[] { LastTrainLoss, LastTrainAcc, LastValLoss, LastValAcc, MaxValAcc }) w.Write(v);
        w.Write(EvalsAtTarget);
    }

    /// <summary>Reads state written by <see cref="Save"/>.</summary>
    public void Restore(BinaryReader r)
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
        EvalsAtTarget = r.ReadInt32();
    }
}
