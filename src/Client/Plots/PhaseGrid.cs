namespace Grokking.Client.Plots;

/// <summary>
/// The cells of a phase diagram over two grid axes (or one: a single row). Runs that share an (x, y) pair differ
/// only on the other axes (seeds, depths, ...); their numbers are reduced to the median and their phases to the most
/// common one, because a single seed's outcome is noisy and the median is not dragged by one outlier.
/// </summary>
public sealed class PhaseGrid
{
    /// <summary>The phase the trainer records for a run whose loss became NaN or infinite.</summary>
    public const string Diverged = "diverged";

    /// <summary>
    /// Liu et al.'s four phases, then "diverged" (the loss became NaN or infinite), in the order legends list them;
    /// ties for the most common phase go to the earlier one.
    /// </summary>
    public static IReadOnlyList<string> Phases { get; } = ["comprehension", "grokking", "memorization", "confusion", Diverged];

    private readonly PhaseCell[,] _cells;

    private PhaseGrid(GridAxis x, GridAxis? y, PhaseMetric metric, IReadOnlyList<GridAxis> others, PhaseCell[,] cells)
    {
        X = x;
        Y = y;
        Metric = metric;
        Aggregated = others.Where(a => a.Values.Count > 1).ToList();
        Fixed = others.Where(a => a.Values.Count == 1).ToList();
        _cells = cells;
    }

    public GridAxis X { get; }

    /// <summary>Null for a one-axis grid: the diagram is one row.</summary>
    public GridAxis? Y { get; }

    public PhaseMetric Metric { get; }

    /// <summary>The other axes with several values, reduced in each cell.</summary>
    public IReadOnlyList<GridAxis> Aggregated { get; }

    /// <summary>The other axes with one value, the same in every cell.</summary>
    public IReadOnlyList<GridAxis> Fixed { get; }

    public int Columns => X.Values.Count;

    public int Rows => Y?.Values.Count ?? 1;

    public PhaseCell this[int column, int row] => _cells[column, row];

    public static PhaseGrid Build(SweepResults sweep, GridAxis x, GridAxis? y, PhaseMetric metric)
    {
        var rows = y?.Values.Count ?? 1;
        var groups = new List<RunResult>[x.Values.Count, rows];
        foreach (var run in sweep.Runs)
        {
            var (column, row) = (x.IndexOf(run.Parameters[x.Name]), y is null ? 0 : y.IndexOf(run.Parameters[y.Name]));
            (groups[column, row] ??= []).Add(run);
        }
        var cells = new PhaseCell[x.Values.Count, rows];
        for (var c = 0; c < x.Values.Count; c++)
            for (var r = 0; r < rows; r++)
                cells[c, r] = Reduce(groups[c, r] ?? [], metric);
        var others = sweep.Axes.Where(a => a.Name != x.Name && a.Name != y?.Name).ToList();
        return new PhaseGrid(x, y, metric, others, cells);
    }

    /// <summary>A phase's place in <see cref="Phases"/>; unknown phases last.</summary>
    public static int PhaseOrder(string phase)
    {
        for (var i = 0; i < Phases.Count; i++)
            if (Phases[i] == phase) return i;
        return Phases.Count;
    }

    internal static PhaseCell Reduce(IReadOnlyList<RunResult> runs, PhaseMetric metric)
    {
        var known = runs.Where(r => r.HasOutcome).ToList();
        if (metric.Value is null)
        {
            var phases = known.Select(r => r.Phase).OfType<string>().ToList();
            if (phases.Count == 0) return PhaseCell.Empty;
            var common = phases.GroupBy(p => p)
                .OrderByDescending(g => g.Count())
                .ThenBy(g => PhaseOrder(g.Key))
                .First().Key;
            return PhaseCell.Category(common, phases.Count);
        }
        // A step never reached counts as later than any reached, so the median of (100, never, never) is never.
        var values = known
            .Select(r => metric.Value(r) ?? (metric.IsStep ? double.PositiveInfinity : double.NaN))
            .Where(v => !double.IsNaN(v))
            .Order()
            .ToList();
        if (values.Count == 0) return PhaseCell.Empty;
        var median = values.Count % 2 == 1 ? values[values.Count / 2] : (values[values.Count / 2 - 1] + values[values.Count / 2]) / 2;
        return double.IsPositiveInfinity(median) ? PhaseCell.Never(values.Count) : PhaseCell.Number(median, values.Count);
    }
}
