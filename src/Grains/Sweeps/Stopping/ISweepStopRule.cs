namespace Grokking.Grains.Sweeps.Stopping;

/// <summary>
/// A sweep-level stopping rule: when it fires, the sweep starts nothing more and counts its unstarted runs as
/// cancelled; a rule may also cancel what still runs (those runs keep every row and checkpoint they wrote). A new rule
/// is one class, its key under <c>budget:</c> and one line in <see cref="SweepStopRules"/>.
/// </summary>
public interface ISweepStopRule
{
    /// <summary>Whether and how the sweep must stop now; null while it may go on.</summary>
    SweepStop? Check(SweepProgress progress);
}

/// <summary>What a sweep stop rule sees.</summary>
/// <param name="Started">Runs started at least once.</param>
/// <param name="Since">How long ago the sweep was submitted or last resumed.</param>
public sealed record SweepProgress(int Started, TimeSpan Since);

/// <summary>A rule's decision.</summary>
/// <param name="Reason">Shown in status and in the cancelled runs' note, e.g. "budget of 12 hours spent".</param>
/// <param name="CancelRunning">True to cancel the runs still training; false lets them finish.</param>
public sealed record SweepStop(string Reason, bool CancelRunning);
