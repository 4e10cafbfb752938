using System.Text;
using Grokking.Grains.Storage;

namespace Grokking.Client.Plots;

/// <summary>
/// The PNGs of one sweep: a phase diagram, the learning curves of a few runs and one layer figure per run; or, when
/// asked for a line plot, that one figure. Every option is checked against the sweep in <see cref="Plan"/>, so bad
/// input is refused before anything is written.
/// </summary>
public sealed class SweepPlots
{
    private readonly SweepResults _sweep;
    private readonly GridAxis? _x;
    private readonly GridAxis? _y;
    private readonly PhaseMetric _metric;
    private readonly IReadOnlyList<RunResult> _runs;
    private readonly LinePlan? _line;

    private SweepPlots(SweepResults sweep, GridAxis? x, GridAxis? y, PhaseMetric metric, IReadOnlyList<RunResult> runs, LinePlan? line = null)
    {
        _sweep = sweep;
        _x = x;
        _y = y;
        _metric = metric;
        _runs = runs;
        _line = line;
    }

    /// <summary>The folder plots go to unless told otherwise: SWEEP_DIR/plots.</summary>
    public static string DefaultFolder(SweepResults sweep) => OutputLayout.PlotsFolderIn(sweep.Folder);

    /// <exception cref="PlotInputException">An unknown metric, axis, run id or line column, with what is accepted.</exception>
    public static SweepPlots Plan(SweepResults sweep, PlotRequest request)
    {
        if (request.Line is not null) return PlanLine(sweep, request);
        if (request.References is { Count: > 0 } references)
            throw new PlotInputException(
                $"--reference {references[0]}: drawn only on a line plot; accepted: --line COLUMN [--x AXIS] --reference FILE.csv");
        var metric = PhaseMetric.Parse(request.Metric ?? PhaseMetric.StepVal99.Name);
        var x = request.X is null ? null : Axis(sweep, "--x", request.X);
        var y = request.Y is null ? null : Axis(sweep, "--y", request.Y);
        if (x is not null && y is not null && x.Name == y.Name)
            throw new PlotInputException($"--y {y.Name}: the same axis as --x; accepted: {Accepted(sweep.Axes.Where(a => a != x).Select(a => a.Name))}");
        x ??= sweep.Axes.FirstOrDefault(a => a != y);
        y ??= sweep.Axes.FirstOrDefault(a => a != x);
        return new SweepPlots(sweep, x, y, metric, request.Runs is null ? ExampleRuns.Choose(sweep.Runs) : Runs(sweep, request.Runs));
    }

    /// <summary>Writes the default plots of a finished sweep to SWEEP_DIR/plots, as <c>grokking run</c> does at its end.</summary>
    /// <returns>The folder written.</returns>
    public static string WriteDefaults(string sweepFolder)
    {
        using var sweep = SweepResults.Load(sweepFolder);
        var folder = DefaultFolder(sweep);
        Plan(sweep, new PlotRequest()).Write(folder, TextWriter.Null);
        return folder;
    }

    /// <summary>Renders every PNG into <paramref name="folder"/> (created if missing).</summary>
    /// <param name="notes">Why a figure was left out (a run without evaluations or layer measurements).</param>
    /// <returns>The PNG paths written, in the order written.</returns>
    public IReadOnlyList<string> Write(string folder, TextWriter notes)
    {
        Directory.CreateDirectory(folder);
        if (_line is not null)
        {
            var line = Path.Combine(folder, FileName($"line-{_line.Column}-{_line.X.Name}.png"));
            LinePlot.Save(_line, _sweep.Name, line);
            return [line];
        }
        var written = new List<string>();
        if (_x is null)
        {
            notes.WriteLine($"note: sweep {_sweep.Name} has no grid axes; no phase diagram.");
        }
        else
        {
            var name = _y is null ? $"phase-{_metric.Name}-{_x.Name}.png" : $"phase-{_metric.Name}-{_x.Name}-{_y.Name}.png";
            var path = Path.Combine(folder, FileName(name));
            if (RefinedPhaseGrid.Applies(_sweep, _x, _y))
                PhaseDiagram.SaveRefined(RefinedPhaseGrid.Build(_sweep, _x, _y!, _metric), _sweep.Name, path);
            else
                PhaseDiagram.Save(PhaseGrid.Build(_sweep, _x, _y, _metric), _sweep.Name, path);
            written.Add(path);
        }
        var curves = new List<(RunResult, IReadOnlyList<CurvePoint>)>();
        var layerFigures = new List<(RunResult, IReadOnlyList<LayerPoint>)>();
        foreach (var run in _runs)
        {
            var (curve, layers) = (_sweep.Curve(run.RunId), _sweep.Layers(run.RunId));
            if (curve.Count > 0) curves.Add((run, curve));
            if (layers.Count > 0) layerFigures.Add((run, layers));
            if (curve.Count == 0 && layers.Count == 0)
                notes.WriteLine($"note: run {run.RunId} ({run.Status}) wrote no metrics; left out of the learning curves and layer figures.");
            else if (curve.Count == 0)
                notes.WriteLine($"note: run {run.RunId} ({run.Status}) has no evaluations; left out of the learning curves.");
            else if (layers.Count == 0)
                notes.WriteLine($"note: run {run.RunId} has no per-layer measurements (its spec sets training.rank_every: 0); no layer figure.");
        }
        if (curves.Count > 0)
        {
            var path = Path.Combine(folder, "learning-curves.png");
            LearningCurves.Save(_sweep, curves, path);
            written.Add(path);
        }
        foreach (var (run, layers) in layerFigures)
        {
            var path = Path.Combine(folder, FileName($"layers-{run.RunId}.png"));
            LayerDynamics.Save(_sweep, run, layers, path);
            written.Add(path);
        }
        return written;
    }

    // --line draws one figure; options that only shape the default figures would be silently ignored, so they are refused.
    private static SweepPlots PlanLine(SweepResults sweep, PlotRequest request)
    {
        var column = request.Line!;
        var unused = new List<string>();
        if (request.Y is not null) unused.Add("--y");
        if (request.Metric is not null) unused.Add("--metric");
        if (request.Runs is not null) unused.Add("--runs");
        if (unused.Count > 0)
            throw new PlotInputException(
                $"{string.Join(", ", unused)}: not used with --line, which draws only the line plot; accepted with --line: --x AXIS, --reference FILE.csv, --out FOLDER");
        if (sweep.Axes.Count == 0)
            throw new PlotInputException($"--line {column}: sweep {sweep.Name} has no grid axes; accepted: a sweep with at least one grid axis to draw against");
        var x = request.X is null ? sweep.Axes[0] : Axis(sweep, "--x", request.X);
        return new SweepPlots(sweep, x, null, PhaseMetric.StepVal99, [], LinePlan.Build(sweep, column, x, request.References));
    }

    private static GridAxis Axis(SweepResults sweep, string option, string name) =>
        sweep.Axes.FirstOrDefault(a => a.Name == name)
        ?? throw new PlotInputException($"{option} {name}: not a grid axis of sweep {sweep.Name}; accepted: {Accepted(sweep.Axes.Select(a => a.Name))}");

    private static IReadOnlyList<RunResult> Runs(SweepResults sweep, IReadOnlyList<string> ids)
    {
        if (ids.Count == 0) throw new PlotInputException($"--runs: no run ids given; accepted: {RunExamples(sweep)}");
        if (ids.Distinct().Count() > LearningCurves.MaxRuns)
            throw new PlotInputException($"--runs: {ids.Distinct().Count()} runs given; accepted: at most {LearningCurves.MaxRuns}, the runs one learning-curve figure tells apart by colour.");
        var byId = sweep.Runs.ToDictionary(r => r.RunId);
        var unknown = ids.Where(id => !byId.ContainsKey(id)).ToList();
        if (unknown.Count > 0)
            throw new PlotInputException(
                $"--runs {string.Join(",", unknown)}: not {(unknown.Count == 1 ? "a run" : "runs")} of sweep {sweep.Name}; accepted: {RunExamples(sweep)}");
        return ids.Distinct().Select(id => byId[id]).ToList();
    }

    // A thousand ids are no help in one line; a few, the count and where to find the rest are.
    private static string RunExamples(SweepResults sweep)
    {
        const int Shown = 4;
        var ids = string.Join(", ", sweep.Runs.Take(Shown).Select(r => r.RunId));
        return sweep.Runs.Count <= Shown ? ids : $"{ids}, ... ({sweep.Runs.Count} runs; all: grokking sql {sweep.Folder} \"SELECT run_id FROM runs\")";
    }

    private static string Accepted(IEnumerable<string> names) => names.Any() ? string.Join(", ", names) : "none (the grid has no axes)";

    // Axis names are spec field names, but a path such as optimizer.lr or an odd character must not leave the folder.
    private static string FileName(string name)
    {
        var safe = new StringBuilder(name.Length);
        foreach (var c in name) safe.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        return safe.ToString();
    }
}
