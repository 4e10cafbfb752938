namespace Grokking.Client.Plots;

/// <summary>
/// The cells of a boundary search's phase diagram (<c>search: { strategy: refine }</c>): each lattice point is its own
/// rectangle, spanning the cell runs.parquet records for it (<c>cell_AXIS_lo</c> .. <c>cell_AXIS_hi</c>), on the
/// axes' own scale (log10 for a log-spaced axis). Coarse cells come first and finer ones after, so drawn in order the
/// finer cells cover the coarse ones near a boundary and the diagram reads like a fine grid there. Runs at the same
/// point (seeds) are reduced as <see cref="PhaseGrid"/> does.
/// </summary>
public sealed class RefinedPhaseGrid
{
    /// <summary>runs.parquet's column of the level that added a run (0 for the coarse grid).</summary>
    public const string LevelColumn = "search_level";

    /// <summary>One lattice point: where it is and its rectangle, in plot coordinates, its level and its reduced cell.</summary>
    public sealed record Cell(double X, double Y, double X0, double X1, double Y0, double Y1, int Level, PhaseCell Value);

    private RefinedPhaseGrid(GridAxis x, GridAxis y, bool xLog, bool yLog, PhaseMetric metric, IReadOnlyList<Cell> cells)
    {
        (X, Y, XLog, YLog, Metric, Cells) = (x, y, xLog, yLog, metric, cells);
    }

    public GridAxis X { get; }

    public GridAxis Y { get; }

    /// <summary>True when the x coordinates are log10 of the axis values.</summary>
    public bool XLog { get; }

    public bool YLog { get; }

    public PhaseMetric Metric { get; }

    /// <summary>Coarse cells first, then each finer level.</summary>
    public IReadOnlyList<Cell> Cells { get; }

    public int Levels => Cells.Count == 0 ? 0 : Cells.Max(c => c.Level) + 1;

    /// <summary>True when every run of the sweep carries its level and its cell along both axes.</summary>
    public static bool Applies(SweepResults sweep, GridAxis x, GridAxis? y) =>
        y is not null && sweep.Runs.Count > 0 && sweep.Runs.All(r =>
            Has(r, LevelColumn) && Has(r, Lo(x.Name)) && Has(r, Hi(x.Name)) && Has(r, Lo(y.Name)) && Has(r, Hi(y.Name)));

    public static RefinedPhaseGrid Build(SweepResults sweep, GridAxis x, GridAxis y, PhaseMetric metric)
    {
        // The coarse runs are the grid the search started from; its spacing says which axes are log.
        var coarse = sweep.Runs.Where(r => r.Numbers[LevelColumn] == 0).ToList();
        bool xLog = new GridAxis(x.Name, Distinct(coarse, x.Name)).IsLogSpaced;
        bool yLog = new GridAxis(y.Name, Distinct(coarse, y.Name)).IsLogSpaced;
        double Scale(double v, bool log) => log ? Math.Log10(v) : v;
        var cells = sweep.Runs
            .GroupBy(r => (X: r.Parameters[x.Name], Y: r.Parameters[y.Name]))
            .Select(g =>
            {
                var first = g.First();
                return new Cell(
                    Scale(GridAxis.AsNumber(g.Key.X)!.Value, xLog), Scale(GridAxis.AsNumber(g.Key.Y)!.Value, yLog),
                    Scale(first.Numbers[Lo(x.Name)]!.Value, xLog), Scale(first.Numbers[Hi(x.Name)]!.Value, xLog),
                    Scale(first.Numbers[Lo(y.Name)]!.Value, yLog), Scale(first.Numbers[Hi(y.Name)]!.Value, yLog),
                    (int)first.Numbers[LevelColumn]!.Value, PhaseGrid.Reduce(g.ToList(), metric));
            })
            .OrderBy(c => c.Level).ThenBy(c => c.X0).ThenBy(c => c.Y0)
            .ToList();
        return new RefinedPhaseGrid(x, y, xLog, yLog, metric, cells);
    }

    /// <summary>The runs.parquet column of the low end of a run's cell along <paramref name="axis"/>.</summary>
    public static string Lo(string axis) => $"cell_{axis}_lo";

    /// <summary>The runs.parquet column of the high end of a run's cell along <paramref name="axis"/>.</summary>
    public static string Hi(string axis) => $"cell_{axis}_hi";

    private static bool Has(RunResult run, string column) => run.Numbers.TryGetValue(column, out var v) && v is not null;

    private static List<object> Distinct(IEnumerable<RunResult> runs, string axis) =>
        runs.Select(r => r.Parameters[axis]).Distinct().OrderBy(v => GridAxis.AsNumber(v) ?? 0).ToList();
}
