namespace Grokking.Client.Plots;

/// <summary>
/// What a line plot draws: one numeric runs.parquet column against one grid axis, one <see cref="LineSeries"/> per
/// combination of values of the other grid axes that vary (one per operation, one per seed, ...), published curves to
/// compare with (<see cref="References"/>), and the scales, chosen for sweep and reference values together.
/// </summary>
public sealed class LinePlan
{
    // Steps that span less than this factor read better on a linear scale.
    private const double LogSpan = 10;

    private LinePlan(
        string column, GridAxis x, IReadOnlyList<GridAxis> lineAxes, IReadOnlyList<GridAxis> fixedAxes, IReadOnlyList<LineSeries> lines,
        IReadOnlyList<LineSeries> references)
    {
        Column = column;
        X = x;
        LineAxes = lineAxes;
        Fixed = fixedAxes;
        Lines = lines;
        References = references;
        IsStep = IsStepColumn(column);
        var values = lines.Concat(references).SelectMany(l => l.Points).Select(p => p.Y).OfType<double>().ToList();
        LogY = IsStep && values.Count > 1 && values.Min() > 0 && values.Max() / values.Min() > LogSpan;
        // A reference at x <= 0 has no place on a log axis; the grid is then drawn linear too.
        LogX = x.IsLogSpaced && references.SelectMany(r => r.Points).All(p => (double)p.X > 0);
    }

    /// <summary>The runs.parquet column up the plot.</summary>
    public string Column { get; }

    /// <summary>The grid axis across the plot.</summary>
    public GridAxis X { get; }

    /// <summary>The other axes with several values: each combination of their values is one line.</summary>
    public IReadOnlyList<GridAxis> LineAxes { get; }

    /// <summary>The other axes with one value, the same on every line.</summary>
    public IReadOnlyList<GridAxis> Fixed { get; }

    /// <summary>The lines in grid order of <see cref="LineAxes"/>; one line when there are none.</summary>
    public IReadOnlyList<LineSeries> Lines { get; }

    /// <summary>Published curves from <c>--reference</c> CSV files, in the order given; their x values are numbers.</summary>
    public IReadOnlyList<LineSeries> References { get; }

    /// <summary>A step count (step_* or grokking_gap), where NULL in a finished run means the step was never reached.</summary>
    public bool IsStep { get; }

    /// <summary>A step column whose values, the runs' and the references' together, are all positive and span more than a factor of 10.</summary>
    public bool LogY { get; }

    /// <summary>
    /// The grid axis steps by a constant factor, as the phase diagram decides (<see cref="GridAxis.IsLogSpaced"/>), and
    /// every reference point lies at a positive x.
    /// </summary>
    public bool LogX { get; }

    /// <summary>Any run or reference point drawn in the "never" row (never reached the step, or diverged).</summary>
    public bool HasNeverRow => Lines.Concat(References).Any(l => l.Points.Any(p => p.Kind is LinePointKind.Never or LinePointKind.Diverged));

    public static bool IsStepColumn(string column) => column.StartsWith("step_", StringComparison.Ordinal) || column == "grokking_gap";

    /// <summary>
    /// Plans <paramref name="column"/> against <paramref name="x"/>, a grid axis of <paramref name="sweep"/>, with the
    /// curves of the <paramref name="references"/> CSV files (<see cref="ReferenceCsv"/>).
    /// </summary>
    /// <exception cref="PlotInputException">
    /// The column is unknown, a grid axis or not numeric (the message lists the numeric columns), or a reference file is
    /// refused by <see cref="ReferenceCsv.Read"/> or given for an axis that holds text.
    /// </exception>
    public static LinePlan Build(SweepResults sweep, string column, GridAxis x, IReadOnlyList<string>? references = null)
    {
        CheckColumn(sweep, column);
        var curves = (references ?? []).SelectMany(path => Reference(sweep, column, x, path)).ToList();
        var others = sweep.Axes.Where(a => a.Name != x.Name).ToList();
        var lineAxes = others.Where(a => a.Values.Count > 1).ToList();
        var isStep = IsStepColumn(column);
        var lines = sweep.Runs
            .GroupBy(r => LineKey(lineAxes, r))
            .OrderBy(g => g.Key)
            .Select(g => new LineSeries(
                lineAxes.Count == 0 ? column : string.Join(", ", lineAxes.Select(a => $"{a.Name}={a.Label(g.First().Parameters[a.Name])}")),
                g.OrderBy(r => x.IndexOf(r.Parameters[x.Name])).ThenBy(r => r.Index)
                    .Select(r => Point(r, x, column, isStep)).ToList()))
            .ToList();
        return new LinePlan(column, x, lineAxes, others.Where(a => a.Values.Count == 1).ToList(), lines, curves);
    }

    private static IReadOnlyList<LineSeries> Reference(SweepResults sweep, string column, GridAxis x, string path)
    {
        // A CSV cell is a number, and a number has no place among operation names.
        if (!x.Values.All(v => GridAxis.AsNumber(v) is not null))
        {
            var numeric = sweep.Axes.Where(a => a.Values.All(v => GridAxis.AsNumber(v) is not null)).Select(a => a.Name).ToList();
            throw new PlotInputException($"--reference {path}: --x {x.Name} holds text, so a reference's numbers have no place on it; " +
                $"accepted: {(numeric.Count > 0 ? "--x " + string.Join(", ", numeric) : $"a sweep with a numeric grid axis ({sweep.Name} has none)")}");
        }
        return ReferenceCsv.Read(path, x.Name, column);
    }

    // The point a run contributes: its number, or why it has none.
    private static LinePoint Point(RunResult run, GridAxis x, string column, bool isStep)
    {
        var value = run.Numbers.GetValueOrDefault(column);
        var kind = value is not null ? LinePointKind.Value
            // A diverged run's step is as unreached as a memorizing run's, and the reader should see which it was.
            : isStep && run.Phase == PhaseGrid.Diverged ? LinePointKind.Diverged
            // Only a run trained to its end says "never"; a failed run's NULL means "not known".
            : isStep && run.HasOutcome ? LinePointKind.Never
            : LinePointKind.Missing;
        return new LinePoint(run.Parameters[x.Name], value, kind, run.RunId);
    }

    private static void CheckColumn(SweepResults sweep, string column)
    {
        var accepted = sweep.NumericColumns.Count > 0 ? string.Join(", ", sweep.NumericColumns) : "none (runs.parquet has no numeric outcome column)";
        if (sweep.Axes.Any(a => a.Name == column))
            throw new PlotInputException($"--line {column}: a grid axis of sweep {sweep.Name}, not an outcome (give it as --x); accepted: {accepted}");
        if (!sweep.ColumnTypes.TryGetValue(column, out var type))
            throw new PlotInputException($"--line {column}: not a column of runs.parquet of sweep {sweep.Name}; accepted: {accepted}");
        if (!sweep.NumericColumns.Contains(column))
            throw new PlotInputException($"--line {column}: {Kind(column, type)}; accepted: {accepted}");
    }

    private static string Kind(string column, Type type) =>
        column == "run_index" ? "the run's place in the grid, not an outcome"
        : type == typeof(string) ? "holds text, not numbers"
        : type == typeof(bool) ? "holds true/false, not numbers"
        : $"holds {type.Name} values, not numbers";

    // Lines in grid order: the first line axis varies slowest, as the grid enumerates its points.
    private static long LineKey(IReadOnlyList<GridAxis> lineAxes, RunResult run)
    {
        long key = 0;
        foreach (var axis in lineAxes) key = key * axis.Values.Count + axis.IndexOf(run.Parameters[axis.Name]);
        return key;
    }
}
