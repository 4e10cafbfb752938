using Grokking.Client.Plots;
using Grokking.Grains.Contracts;
using Grokking.Grains.Storage;

namespace Grokking.Client.Ui;

/// <summary>
/// Reads sweeps from their grains: the embedded sweep of <c>grokking run --ui</c>, or a cluster's sweeps through
/// Redis. Live to the report: running runs carry their latest step and accuracies.
/// </summary>
/// <param name="grains">The process's grain factory (the embedded silo's, or a cluster client).</param>
/// <param name="names">The sweeps to offer (grains cannot be listed); more are found in <paramref name="outDir"/>.</param>
/// <param name="outDir">The output folder the silos write to, when this machine sees it: curves are read from there.</param>
public sealed class GrainSweepSource(IGrainFactory grains, IReadOnlyList<string> names, string? outDir) : ISweepSource
{
    private readonly Dictionary<string, (int Points, IReadOnlyList<UiAxis> Axes, Dictionary<string, MapPoint> ById)> _maps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Follow> _follows = new(StringComparer.Ordinal);

    /// <summary>What this source last read of a sweep: where the grain's changes were read up to, and the frame they made.</summary>
    private sealed class Follow
    {
        public string Epoch = "";
        public long Version;
        public readonly List<UiRun?> ByIndex = [];
        public SweepFrame? Frame;
    }

    public TimeSpan PollInterval => TimeSpan.FromMilliseconds(250);

    public Task<IReadOnlyList<string>> SweepsAsync(CancellationToken cancellation)
    {
        var all = names.ToList();
        if (outDir is not null && Directory.Exists(outDir))
            all.AddRange(OutputLayout.SweepsAt(outDir).Select(OutputLayout.SweepIdOf).Where(n => !all.Contains(n)));
        return Task.FromResult<IReadOnlyList<string>>(all);
    }

    public string? SweepFolder(string sweep) => outDir is null ? null : OutputLayout.SweepFolder(outDir, sweep);

    /// <summary>
    /// Asks the sweep grain only for the runs that changed since the last read; unchanged runs keep their
    /// <see cref="UiRun"/> objects and an unchanged sweep returns the very same frame, so a watched sweep that is not
    /// moving costs one small call per interval.
    /// </summary>
    public async Task<SweepFrame> ReadAsync(string sweep, CancellationToken cancellation)
    {
        var grain = grains.GetGrain<ISweepGrain>(sweep);
        Follow follow;
        lock (_follows) follow = _follows.TryGetValue(sweep, out var known) ? known : _follows[sweep] = new Follow();
        var changes = await grain.GetRunChanges(follow.Epoch, follow.Version).WaitAsync(cancellation);
        if (!changes.Exists) throw new KeyNotFoundException($"no sweep named '{sweep}' in this cluster");
        var summary = Summary(changes.Status);
        lock (follow)
        {
            if (!changes.All && changes.Records.Count == 0 && follow.Frame is { } same && same.Sweep == summary) return same;
        }
        var (axes, byId) = await MapAsync(grain, sweep, changes.Status.Total, cancellation);
        lock (follow)
        {
            if (changes.All) follow.ByIndex.Clear();
            foreach (var record in changes.Records)
            {
                while (follow.ByIndex.Count <= record.Index) follow.ByIndex.Add(null);
                follow.ByIndex[record.Index] = Run(record, byId.GetValueOrDefault(record.RunId));
            }
            (follow.Epoch, follow.Version) = (changes.Epoch, changes.Version);
            var runs = follow.ByIndex.OfType<UiRun>().ToList();
            follow.Frame = new SweepFrame(summary, axes, UiMetrics.Names, runs);
            return follow.Frame;
        }
    }

    // The map only grows (a boundary search adds runs); it is fetched again only when the run count changes.
    private async Task<(IReadOnlyList<UiAxis>, Dictionary<string, MapPoint>)> MapAsync(ISweepGrain grain, string sweep, int runs, CancellationToken cancellation)
    {
        lock (_maps)
            if (_maps.TryGetValue(sweep, out var known) && known.Points == runs) return (known.Axes, known.ById);
        var map = await grain.GetMap().WaitAsync(cancellation);
        var axes = map.Axes.Select(Axis).ToList();
        var byId = map.Points.ToDictionary(p => p.RunId, StringComparer.Ordinal);
        lock (_maps) _maps[sweep] = (map.Points.Count, axes, byId);
        return (axes, byId);
    }

    internal static UiAxis Axis(MapAxis axis)
    {
        bool numeric = axis.Numbers.All(double.IsFinite);
        if (!numeric) return new UiAxis(axis.Name, false, false, axis.Labels, Enumerable.Range(0, axis.Labels.Count).Select(i => (double)i).ToList());
        // Labelled as the PNG plots label them (1e-3, 3.2e-3, 1e-2 on a log axis), in the spec's order.
        var plotted = new GridAxis(axis.Name, axis.Numbers.Distinct().Order().Cast<object>().ToList());
        return new UiAxis(axis.Name, axis.Log ?? plotted.IsLogSpaced, true, axis.Numbers.Select(n => plotted.Label(n)).ToList(), axis.Numbers);
    }

    internal static UiRun Run(RunRecord record, MapPoint? place)
    {
        var outcome = record.Outcome;
        return new UiRun
        {
            Id = record.RunId,
            Index = record.Index,
            Coordinates = place?.Coordinates ?? [],
            CellLo = place?.CellLo?.Select(Finite).ToList(),
            CellHi = place?.CellHi?.Select(Finite).ToList(),
            Level = place?.Level,
            Status = UiMetrics.Status(record.Status.ToString()),
            Step = outcome?.StepsTrained ?? record.Step,
            Steps = record.TotalSteps,
            TrainAcc = Finite(outcome?.FinalTrainAcc ?? record.TrainAcc),
            ValAcc = Finite(outcome?.FinalValAcc ?? record.ValAcc),
            Phase = outcome?.Phase is { Length: > 0 } phase ? phase : null,
            Metrics = outcome is null ? null : Metrics(outcome),
        };
    }

    private static Dictionary<string, double?> Metrics(RunOutcomeSummary o) => new()
    {
        ["final_val_acc"] = Finite(o.FinalValAcc),
        ["max_val_acc"] = Finite(o.MaxValAcc),
        ["final_train_acc"] = Finite(o.FinalTrainAcc),
        ["step_val_99"] = o.StepVal99,
        ["step_train_99"] = o.StepTrain99,
        ["grokking_gap"] = o.GrokkingGap,
        ["final_val_loss"] = Finite(o.FinalValLoss),
        ["final_train_loss"] = Finite(o.FinalTrainLoss),
        ["steps_trained"] = o.StepsTrained,
        ["wall_time_s"] = Finite(o.WallTimeS),
    };

    private static UiSweep Summary(SweepStatus s) => new(
        s.SweepId, s.Total, s.Pending, s.Running, s.Done, s.Failed, s.Cancelled, s.IsFinished, s.Search, s.StepsDone, s.StepsTotal,
        s.StoppedBy is { } stop ? "stopped: " + stop : null);

    internal static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
