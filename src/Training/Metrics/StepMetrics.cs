namespace Grokking.Training.Metrics;

/// <summary>One row of the metrics dataset: what was measured at one step. Null = not measured then.</summary>
public readonly record struct StepMetrics(
    long Step,
    double TrainLoss,
    double TrainAcc,
    double Lr,
    double WallTimeS,
    double? EvalTrainLoss = null,
    double? EvalTrainAcc = null,
    double? ValLoss = null,
    double? ValAcc = null,
    double? WeightNorm = null,
    double? Rqi = null);
