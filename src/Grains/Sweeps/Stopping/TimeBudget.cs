namespace Grokking.Grains.Sweeps.Stopping;

/// <summary><c>budget: { hours: h }</c>: h hours after the sweep was submitted or last resumed, it cancels what still
/// runs and starts nothing more.</summary>
public sealed class TimeBudget(double hours) : ISweepStopRule
{
    public SweepStop? Check(SweepProgress progress) =>
        progress.Since.TotalHours >= hours ? new SweepStop($"budget of {hours:0.###} hours spent", CancelRunning: true) : null;
}
