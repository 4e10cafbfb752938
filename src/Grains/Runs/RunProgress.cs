namespace Grokking.Grains.Runs;

/// <summary>Where a run stands: reported at every evaluation and checkpoint.</summary>
public sealed record RunProgress(
    string RunId,
    long Step,
    long TotalSteps,
    double TrainAcc,
    double ValAcc,
    long? StepTrain99,
    long? StepVal99,
    double WallTimeS,
    bool Checkpointed);
