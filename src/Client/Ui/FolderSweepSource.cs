using Grokking.Client.Plots;
using Grokking.Grains.Storage;

namespace Grokking.Client.Ui;

/// <summary>
/// Reads sweeps from an output folder (or one sweep folder): each sweep's runs.parquet, read again whenever the sweep
/// rewrites it (every few seconds while its runs change). Works for finished sweeps and for one another process runs;
/// running runs show the step of the latest rewrite, and no accuracy until they finish.
/// </summary>
public sealed class FolderSweepSource(string folder) : ISweepSource
{
    private readonly Dictionary<string, (DateTime Written, long Length, SweepFrame Frame)> _read = new(StringComparer.Ordinal);

    public TimeSpan PollInterval => TimeSpan.FromMilliseconds(500);

    /// <summary>The folder given: an output folder (OUT) or one sweep's folder (OUT/sweep=NAME).</summary>
    public string Folder { get; } = Path.GetFullPath(folder);

    public Task<IReadOnlyList<string>> SweepsAsync(CancellationToken cancellation) =>
        Task.FromResult<IReadOnlyList<string>>(SweepFolders().Select(OutputLayout.SweepIdOf).ToList());

    public string? SweepFolder(string sweep) =>
        SweepFolders().FirstOrDefault(f => OutputLayout.SweepIdOf(f) == sweep);

    public Task<SweepFrame> ReadAsync(string sweep, CancellationToken cancellation)
    {
        var folder = SweepFolder(sweep) ?? throw new KeyNotFoundException($"no sweep named '{sweep}' under {Folder}");
        var file = new FileInfo(OutputLayout.RunsTableIn(folder));
        lock (_read)
            if (_read.TryGetValue(sweep, out var known) && known.Written == file.LastWriteTimeUtc && known.Length == file.Length)
                return Task.FromResult(known.Frame);
        SweepFrame frame;
        using (var results = SweepResults.Load(folder)) frame = Frame(sweep, results);
        lock (_read) _read[sweep] = (file.LastWriteTimeUtc, file.Length, frame);
        return Task.FromResult(frame);
    }

    private IReadOnlyList<string> SweepFolders() => Directory.Exists(Folder) ? OutputLayout.SweepsAt(Folder) : [];

    internal static SweepFrame Frame(string sweep, SweepResults results)
    {
        var axes = results.Axes.Select(Axis).ToList();
        var runs = results.Runs.Select(r => Run(r, results.Axes)).ToList();
        int Count(string status) => runs.Count(r => r.Status == status);
        var summary = new UiSweep(sweep, runs.Count, Count("queued"), Count("running"), Count("done"), Count("failed"), Count("cancelled"),
            Count("queued") + Count("running") == 0, "", runs.Sum(r => r.Step), runs.Sum(r => Math.Max(r.Steps, r.Step)), null);
        var metrics = UiMetrics.Names.Where(results.NumericColumns.Contains).ToList();
        return new SweepFrame(summary, axes, metrics, runs);
    }

    private static UiAxis Axis(GridAxis axis)
    {
        var numbers = axis.Values.Select(GridAxis.AsNumber).ToList();
        bool numeric = numbers.All(n => n is not null);
        return new UiAxis(axis.Name, axis.IsLogSpaced, numeric, axis.Values.Select(axis.Label).ToList(),
            numeric ? numbers.Select(n => n!.Value).ToList() : Enumerable.Range(0, axis.Values.Count).Select(i => (double)i).ToList());
    }

    private static UiRun Run(RunResult run, IReadOnlyList<GridAxis> axes)
    {
        double? Number(string column) => run.Numbers.GetValueOrDefault(column);
        var refined = axes.Any(a => run.Numbers.ContainsKey($"cell_{a.Name}_lo"));
        bool done = run.Status == "done";
        return new UiRun
        {
            Id = run.RunId,
            Index = run.Index,
            Coordinates = axes.Select(a => run.Parameters[a.Name] is var v && GridAxis.AsNumber(v) is { } n ? n : a.IndexOf(v)).ToList(),
            CellLo = refined ? axes.Select(a => Number($"cell_{a.Name}_lo")).ToList() : null,
            CellHi = refined ? axes.Select(a => Number($"cell_{a.Name}_hi")).ToList() : null,
            Level = Number("search_level") is { } level ? (int)level : null,
            Status = UiMetrics.Status(run.Status),
            Step = (long)(Number("steps_trained") ?? 0),
            Steps = (long)(Number("steps") ?? (run.Parameters.TryGetValue("steps", out var steps) ? GridAxis.AsNumber(steps) : null) ?? 0),
            TrainAcc = done ? Number("final_train_acc") : null,
            ValAcc = done ? Number("final_val_acc") : null,
            Phase = run.Phase is { Length: > 0 } phase ? phase : null,
            Metrics = done ? UiMetrics.Names.Where(run.Numbers.ContainsKey).ToDictionary(m => m, m => run.Numbers[m]) : null,
        };
    }
}
