namespace Grokking.Bench;

/// <summary>Timings of one workload: every bare run (a) and every executor run (b), in the order they ran.</summary>
public sealed record OverheadResult(Workload Workload, IReadOnlyList<BareTiming> Bare, IReadOnlyList<TimeSpan> Executor)
{
    /// <summary>The fastest bare run, setup included (what the executor time is compared with).</summary>
    public TimeSpan BestBare => Bare.Min(b => b.Total);

    /// <summary>The fastest bare training loop alone (the throughput figures).</summary>
    public TimeSpan BestBareLoop => Bare.Min(b => b.Loop);

    public TimeSpan BestExecutor => Executor.Min();

    /// <summary>(slowest − fastest) / fastest over the bare runs: the machine's noise at this run length.</summary>
    public double BareSpread => Spread(Bare.Select(b => b.Total).ToList());

    /// <summary>(slowest − fastest) / fastest over the executor runs.</summary>
    public double ExecutorSpread => Spread(Executor);

    /// <summary>(b − a) / a with the minimum of each.</summary>
    public double Overhead => (BestExecutor - BestBare) / BestBare;

    public double BareStepsPerSecond => Workload.Steps / BestBareLoop.TotalSeconds;

    public double ExecutorStepsPerSecond => Workload.Steps / BestExecutor.TotalSeconds;

    /// <summary>Achieved training FLOP/s of the bare loop.</summary>
    public double BareGflops => BareStepsPerSecond * Workload.FlopsPerStep / 1e9;

    /// <summary>Training FLOPs only (evaluation not counted) over the executor's whole wall time.</summary>
    public double ExecutorGflops => ExecutorStepsPerSecond * Workload.FlopsPerStep / 1e9;

    private static double Spread(IReadOnlyList<TimeSpan> times) => (times.Max() - times.Min()) / times.Min();
}
