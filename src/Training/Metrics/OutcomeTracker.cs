namespace Grokking.Training.Metrics;

/// <summary>Follows the evaluations of a run and records the steps that define its outcome.</summary>
public sealed class OutcomeTracker(double phaseThreshold, long phaseGap, double? stopValAcc, int stopEvals)
{
    /// <summary>Accuracy that counts as fitted or generalised for the 99% columns.</summary>
    public const double NinetyNine = 0.99;

    public long? StepTrain99 { get; set; }
    public long? StepVal99 { get; set; }
    public long? StepTrainThreshold { get; set; }
    public long? StepValThreshold { get; set; }
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
        if (trainAcc >= phaseThreshold) StepTrainThreshold ??= step;
        if (valAcc >= phaseThreshold) StepValThreshold ??= step;
        EvalsAtTarget = stopValAcc is { } target && valAcc >= target ? EvalsAtTarget + 1 : 0;
    }

    /// <summary>True once validation accuracy has held the early-stop target long enough.</summary>
    public bool ShouldStop => stopValAcc is not null && EvalsAtTarget >= stopEvals;

    public RunOutcome Outcome(long stepsTrained, double wallTimeS) => new(
        stepsTrained, StepTrain99, StepVal99, StepTrainThreshold, StepValThreshold,
        PhaseClassifier.Classify(StepTrainThreshold, StepValThreshold, phaseGap),
        LastTrainLoss, LastTrainAcc, LastValLoss, LastValAcc, MaxValAcc, ShouldStop, wallTimeS);

    /// <summary>Writes the tracker's state (part of a checkpoint).</summary>
    public void Save(BinaryWriter w)
    {
        foreach (var v in new[] { StepTrain99, StepVal99, StepTrainThreshold, StepValThreshold }) w.Write(v ?? -1);
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
        LastTrainLoss = r.ReadDouble();
        LastTrainAcc = r.ReadDouble();
        LastValLoss = r.ReadDouble();
        LastValAcc = r.ReadDouble();
        MaxValAcc = r.ReadDouble();
        EvalsAtTarget = r.ReadInt32();
    }
}
