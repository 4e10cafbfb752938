namespace Grokking.Client.Plots;

/// <summary>How a run is named in legends and titles: its grid values, so a reader need not look up its id.</summary>
public static class RunLabel
{
    /// <summary>"lr=1e-3, weight_decay=0.5", or the run id for a grid without axes.</summary>
    public static string Parameters(SweepResults sweep, RunResult run) =>
        sweep.Axes.Count == 0 ? run.RunId : string.Join(", ", sweep.Axes.Select(a => $"{a.Name}={a.Label(run.Parameters[a.Name])}"));

    /// <summary>"grokking, 99% val at 1,650", "memorization, 99% val never", or the status of a run without an outcome.</summary>
    public static string Outcome(RunResult run) =>
        !run.HasOutcome ? run.Status
        : run.StepVal99 is { } step ? $"{run.Phase}, 99% val at {GridValueFormat.Step(step)}"
        : $"{run.Phase}, 99% val never";
}
