namespace Grokking.Grains.Sweeps.Stopping;

/// <summary>
/// <c>budget: { runs: n }</c>: once n runs have started no other starts; those n finish. The searches read the same
/// budget and propose no more than n runs, so this rule holds it for any strategy.
/// </summary>
public sealed class RunBudget(int runs) : ISweepStopRule
{
    public SweepStop? Check(SweepProgress progress) =>
        progress.Started >= runs ? new SweepStop($"budget of {runs} runs spent", CancelRunning: false) : null;
}
