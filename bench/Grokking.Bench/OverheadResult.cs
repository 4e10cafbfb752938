namespace Grokking.Bench;

/// <summary>
/// Timings of one workload, in the order they ran: every bare run (a), every machinery run (b) and every
/// realistic-cadence run (c). Each figure uses the fastest run of its path.
/// </summary>
public sealed record OverheadResult(
    Workload Workload,
    IReadOnlyList<BareTiming> Bare,
    IReadOnlyList<TimeSpan> Machinery,
    IReadOnlyList<TimeSpan> Realistic)
{
    /// <summary>Average cores other processes used during each timed run (empty where /proc/stat is unreadable).</summary>
    public IReadOnlyList<double> OtherCores { get; init; } = [];

    /// <summary>The fastest bare run, setup included (what the executor times are compared with).</summary>
    public TimeSpan BestBare => Bare.Min(b => b.Total);

    /// <summary>The fastest bare training loop alone (the throughput figures).</summary>
    public TimeSpan BestBareLoop => Bare.Min(b => b.Loop);

    public TimeSpan BestMachinery => Machinery.Min();

    public TimeSpan BestRealistic => Realistic.Min();

    /// <summary>(slowest − fastest) / fastest over the bare runs: the machine's noise at this run length.</summary>
    public double BareSpread => Spread(Bare.Select(b => b.Total).ToList());

    public double MachinerySpread => Spread(Machinery);

    public double RealisticSpread => Spread(Realistic);

    /// <summary>(b − a) / a with the minimum of each: the figure with the ≤ 5% target.</summary>
    public double MachineryOverhead => (BestMachinery - BestBare) / BestBare;

    /// <summary>(c − a) / a with the minimum of each: for information (its evaluations are chosen by the user).</summary>
    public double RealisticOverhead => (BestRealistic - BestBare) / BestBare;

    /// <summary>(c − b) / a: what the extra evaluations and layer measurements of the realistic cadence cost.</summary>
    public double MeasurementShare => (BestRealistic - BestMachinery) / BestBare;

    /// <summary>(b − a) / a of each round on its own: rounds that disagree by more than the target mean the machine was noisy.</summary>
    public IReadOnlyList<double> MachineryOverheadPerRound => PerRound(Machinery);

    /// <summary>(c − a) / a of each round on its own.</summary>
    public IReadOnlyList<double> RealisticOverheadPerRound => PerRound(Realistic);

    public double BareStepsPerSecond => Workload.Steps / BestBareLoop.TotalSeconds;

    /// <summary>Achieved training FLOP/s of the bare loop.</summary>
    public double BareGflops => BareStepsPerSecond * Workload.FlopsPerStep / 1e9;

    /// <summary>Steps over the fastest whole executor run of <paramref name="variant"/>.</summary>
    public double StepsPerSecond(ExecutorVariant variant) => Workload.Steps / Best(variant).TotalSeconds;

    /// <summary>Training FLOPs only (evaluation not counted) over the fastest whole executor run of <paramref name="variant"/>.</summary>
    public double Gflops(ExecutorVariant variant) => StepsPerSecond(variant) * Workload.FlopsPerStep / 1e9;

    public TimeSpan Best(ExecutorVariant variant) => ReferenceEquals(variant, Workload.Machinery) ? BestMachinery : BestRealistic;

    private IReadOnlyList<double> PerRound(IReadOnlyList<TimeSpan> executor) =>
        executor.Select((t, i) => (t - Bare[i].Total) / Bare[i].Total).ToList();

    private static double Spread(IReadOnlyList<TimeSpan> times) => (times.Max() - times.Min()) / times.Min();
}
