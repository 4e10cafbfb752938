using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace Grokking.Client.Plots;

/// <summary>
/// Renders a <see cref="PhaseGrid"/> as a heatmap PNG: a colour bar for numbers, four labelled colours for Liu et
/// al.'s phases and black for runs that diverged, grey for cells that never reached the step or have no outcome, and
/// each cell's value written in it when the grid is small enough to read.
/// </summary>
public static class PhaseDiagram
{
    public const int Width = 1000;

    /// <summary>Cells per side up to which every cell carries its value as text.</summary>
    public const int AnnotatedSide = 15;

    // More tick labels than this overlap at 1000 px; every k-th is labelled instead.
    private const int MaxTickLabels = 20;

    private static readonly Color NeverColor = Color.FromHex("#8c8c8c");
    private static readonly Color EmptyColor = Color.FromHex("#d0d0d0");

    // A phase the trainer writes that this build does not know; loud, so it is noticed rather than mistaken for one.
    private static readonly Color UnknownPhaseColor = Colors.Purple;

    /// <summary>
    /// Liu et al.'s phases: green understands, orange understands late, blue only memorizes, red neither; black for a
    /// run whose loss became NaN or infinite, which is no phase of learning but a training failure.
    /// </summary>
    private static readonly Dictionary<string, Color> PhaseColors = new()
    {
        ["comprehension"] = Color.FromHex("#2ca02c"),
        ["grokking"] = Color.FromHex("#ff7f0e"),
        ["memorization"] = Color.FromHex("#1f77b4"),
        ["confusion"] = Color.FromHex("#d62728"),
        [PhaseGrid.Diverged] = Color.FromHex("#000000"),
    };

    private static readonly Dictionary<string, string> ShortPhaseNames = new()
    {
        ["comprehension"] = "compr.",
        ["grokking"] = "grok.",
        ["memorization"] = "memo.",
        ["confusion"] = "conf.",
        [PhaseGrid.Diverged] = "div.",
    };

    /// <summary>A phase's cell colour; a phase this build does not know is purple.</summary>
    public static Color PhaseColor(string phase) => PhaseColors.GetValueOrDefault(phase, UnknownPhaseColor);

    /// <summary>The label a phase gets in a cell too narrow for its name ("div." for diverged).</summary>
    public static string ShortPhaseName(string phase) => ShortPhaseNames.GetValueOrDefault(phase, phase);

    /// <summary>A one-row diagram (one-axis grid) is shorter, so its cells are not tall stripes.</summary>
    public static int Height(PhaseGrid grid) => grid.Rows == 1 ? 450 : 800;

    public static void Save(PhaseGrid grid, string sweepName, string path)
    {
        using var plot = new Plot();
        FigureStyle.Apply(plot);
        var colormap = new ScottPlot.Colormaps.Viridis();
        var range = grid.Metric.IsCategorical ? null : NumberRange(grid.Metric, AllCells(grid));
        if (range is { } span) AddColorBar(plot, grid.Metric, colormap, span);
        for (var c = 0; c < grid.Columns; c++)
            for (var r = 0; r < grid.Rows; r++)
            {
                var (fill, text) = Appearance(grid.Metric, grid.Columns, grid[c, r], colormap, range);
                // Each cell is its own rectangle: ScottPlot's heatmap has one colour for every missing cell and does
                // not draw a single-row grid. The outline in the fill colour closes antialiasing seams.
                var cell = plot.Add.Rectangle(c - 0.5, c + 0.5, r - 0.5, r + 0.5);
                cell.FillColor = fill;
                cell.LineColor = fill;
                cell.LineWidth = 1;
                if (Annotated(grid)) Annotate(plot, grid, c, r, text, fill);
            }
        if (Annotated(grid)) DrawCellBorders(plot, grid);
        ShowLegend(plot, Legend(grid));
        SetAxes(plot, grid);
        plot.Title(Title(grid, sweepName), 15);
        plot.SavePng(path, Width, Height(grid));
    }

    /// <summary>
    /// Renders a boundary search's diagram: every run its own rectangle on the axes' scale, coarse cells under finer
    /// ones, and a dot where each point was run, so where the search spent its runs shows.
    /// </summary>
    public static void SaveRefined(RefinedPhaseGrid grid, string sweepName, string path)
    {
        using var plot = new Plot();
        FigureStyle.Apply(plot);
        var colormap = new ScottPlot.Colormaps.Viridis();
        var cells = grid.Cells.Select(c => c.Value).ToList();
        var range = grid.Metric.IsCategorical ? null : NumberRange(grid.Metric, cells);
        if (range is { } span) AddColorBar(plot, grid.Metric, colormap, span);
        foreach (var cell in grid.Cells)
        {
            var (fill, _) = Appearance(grid.Metric, 100, cell.Value, colormap, range);
            var rectangle = plot.Add.Rectangle(cell.X0, cell.X1, cell.Y0, cell.Y1);
            rectangle.FillColor = fill;
            rectangle.LineColor = fill;
            rectangle.LineWidth = 1;
        }
        var dots = plot.Add.ScatterPoints(grid.Cells.Select(c => c.X).ToArray(), grid.Cells.Select(c => c.Y).ToArray());
        dots.Color = Colors.Black.WithAlpha(0.55);
        dots.MarkerSize = 3;
        ShowLegend(plot, Legend(grid.Metric, cells));
        plot.HideGrid();
        plot.Axes.Bottom.TickGenerator = ScaleTicks(grid.XLog);
        plot.Axes.Left.TickGenerator = ScaleTicks(grid.YLog);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 13;
        plot.Axes.Left.TickLabelStyle.FontSize = 13;
        plot.XLabel(grid.XLog ? $"{grid.X.Name} (log scale)" : grid.X.Name, 14);
        plot.YLabel(grid.YLog ? $"{grid.Y.Name} (log scale)" : grid.Y.Name, 14);
        plot.Axes.SetLimits(grid.Cells.Min(c => c.X0), grid.Cells.Max(c => c.X1), grid.Cells.Min(c => c.Y0), grid.Cells.Max(c => c.Y1));
        var what = grid.Metric.IsCategorical ? "phase (Liu et al.)" : $"{grid.Metric.Name}: {grid.Metric.Description}";
        var counts = string.Join(", ", grid.Cells.GroupBy(c => c.Level).OrderBy(g => g.Key).Select(g => $"{g.Count()} at level {g.Key}"));
        plot.Title($"sweep {sweepName}: {what}\nboundary search: one cell per point, a dot where it ran ({counts})", 15);
        plot.SavePng(path, Width, 800);
    }

    // Ticks on a log10 coordinate read as the values themselves (1e-4, not -4).
    private static ITickGenerator ScaleTicks(bool log) => new NumericAutomatic
    {
        TargetTickCount = 8,
        IntegerTicksOnly = log,
        LabelFormatter = v => log
            ? "1e" + v.ToString("0", CultureInfo.InvariantCulture)
            : v.ToString("0.##", CultureInfo.InvariantCulture),
    };

    private static (Color Fill, string Text) Appearance(PhaseMetric metric, int columns, PhaseCell cell, IColormap colormap, ScottPlot.Range? range) => cell switch
    {
        { IsEmpty: true } => (EmptyColor, "n/a"),
        { IsNever: true } => (NeverColor, "never"),
        { Phase: { } phase } => (PhaseColor(phase), phase),
        { Value: { } value } when range is { } span => (colormap.GetColor((value - span.Min) / (span.Max - span.Min)), FormatValue(metric, columns, value)),
        _ => (EmptyColor, "n/a"),
    };

    private static List<PhaseCell> AllCells(PhaseGrid grid) =>
        Enumerable.Range(0, grid.Columns).SelectMany(c => Enumerable.Range(0, grid.Rows).Select(r => grid[c, r])).ToList();

    // Accuracies share one 0..1 scale so diagrams of different sweeps compare at a glance; steps use their own span.
    private static ScottPlot.Range? NumberRange(PhaseMetric metric, IEnumerable<PhaseCell> cells)
    {
        if (!metric.IsStep) return new ScottPlot.Range(0, 1);
        var values = cells.Select(c => c.Value).OfType<double>().ToList();
        if (values.Count == 0) return null;
        var (min, max) = (values.Min(), values.Max());
        return min < max ? new ScottPlot.Range(min, max) : new ScottPlot.Range(min - 1, max + 1);
    }

    // The colour bar needs a colour source; an invisible heatmap with the same range and colormap is that source.
    private static void AddColorBar(Plot plot, PhaseMetric metric, IColormap colormap, ScottPlot.Range range)
    {
        var source = plot.Add.Heatmap(new[,] { { range.Min, range.Max } });
        source.ManualRange = range;
        source.Colormap = colormap;
        source.IsVisible = false;
        var bar = plot.Add.ColorBar(source);
        bar.Label = metric.Name;
        bar.LabelStyle.FontSize = 14;
        // ScottPlot's default puts a label every few pixels; a handful of round values reads better.
        bar.Axis.TickGenerator = new NumericAutomatic
        {
            TargetTickCount = 6,
            IntegerTicksOnly = metric.IsStep,
            LabelFormatter = v => metric.IsStep ? GridValueFormat.Step(v) : v.ToString("0.##", CultureInfo.InvariantCulture),
        };
        bar.Axis.TickLabelStyle.FontSize = 13;
    }

    // Thin white lines keep neighbouring cells of similar colour apart.
    private static void DrawCellBorders(Plot plot, PhaseGrid grid)
    {
        for (var c = 1; c < grid.Columns; c++)
            plot.Add.Line(c - 0.5, -0.5, c - 0.5, grid.Rows - 0.5).LineStyle = new LineStyle { Color = Colors.White, Width = 2 };
        for (var r = 1; r < grid.Rows; r++)
            plot.Add.Line(-0.5, r - 0.5, grid.Columns - 0.5, r - 0.5).LineStyle = new LineStyle { Color = Colors.White, Width = 2 };
    }

    private static void SetAxes(Plot plot, PhaseGrid grid)
    {
        plot.HideGrid();
        plot.Axes.Bottom.TickGenerator = Ticks(grid.X);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 13;
        plot.XLabel(grid.X.Title, 14);
        var longest = grid.X.Values.Max(v => grid.X.Label(v).Length);
        // Long names (operations such as x^2+xy+y^2) or many values collide side by side; slanted they fit.
        if (longest * 8 * Math.Min(grid.Columns, MaxTickLabels) > Width * 0.75)
        {
            plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
            // ScottPlot sizes the axis for upright labels; make room for the slanted ones and the axis title.
            plot.Axes.Bottom.MinimumSize = longest * 8 * 0.71f + 45;
        }
        if (grid.Y is { } y)
        {
            plot.Axes.Left.TickGenerator = Ticks(y);
            plot.YLabel(y.Title, 14);
        }
        else
        {
            plot.Axes.Left.TickGenerator = new NumericManual();
        }
        plot.Axes.Left.TickLabelStyle.FontSize = 13;
        plot.Axes.SetLimits(-0.5, grid.Columns - 0.5, -0.5, grid.Rows - 0.5);
    }

    private static NumericManual Ticks(GridAxis axis)
    {
        var ticks = new NumericManual();
        var every = (axis.Values.Count + MaxTickLabels - 1) / MaxTickLabels;
        for (var i = 0; i < axis.Values.Count; i++)
        {
            if (i % every == 0) ticks.AddMajor(i, axis.Label(axis.Values[i]));
            else ticks.AddMinor(i);
        }
        return ticks;
    }

    private static string Title(PhaseGrid grid, string sweepName)
    {
        var what = grid.Metric.IsCategorical ? "phase (Liu et al.)" : $"{grid.Metric.Name}: {grid.Metric.Description}";
        var reduce = grid.Metric.IsCategorical ? "most common phase" : "median";
        var details = new List<string>
        {
            grid.Aggregated.Count > 0
                ? $"{reduce} over {string.Join(", ", grid.Aggregated.Select(a => $"{a.Name} ({a.Values.Count} values)"))}"
                : "one run per cell",
        };
        if (grid.Fixed.Count > 0)
            details.Add("fixed " + string.Join(", ", grid.Fixed.Select(a => $"{a.Name} = {a.Label(a.Values[0])}")));
        return $"sweep {sweepName}: {what}\n{string.Join("; ", details)}";
    }

    private static void Annotate(Plot plot, PhaseGrid grid, int column, int row, string text, Color fill)
    {
        var fontSize = Math.Clamp(170f / Math.Max(grid.Columns, 4), 9, 18);
        // A phase name wider than its cell would run into the neighbours; the colour and legend still name it.
        var cellWidth = (Width - 200f) / grid.Columns;
        if (text.Length * fontSize * 0.62f > cellWidth * 0.9f) text = ShortPhaseName(text);
        var label = plot.Add.Text(text, column, row);
        label.Alignment = Alignment.MiddleCenter;
        label.LabelFontSize = fontSize;
        // Dark text on light cells, light text on dark ones.
        var luminance = (0.299 * fill.R + 0.587 * fill.G + 0.114 * fill.B) / 255;
        label.LabelFontColor = luminance > 0.55 ? Colors.Black : Colors.White;
    }

    private static string FormatValue(PhaseMetric metric, int columns, double value) =>
        metric.IsStep ? GridValueFormat.Step(value) : value.ToString(columns <= 8 ? "0.000" : "0.00", CultureInfo.InvariantCulture);

    private static bool Annotated(PhaseGrid grid) => grid.Columns <= AnnotatedSide && grid.Rows <= AnnotatedSide;

    /// <summary>
    /// The key under the diagram: Liu et al.'s four phases always (categorical diagrams), so diagrams of different
    /// sweeps share one key; diverged, "never" and "n/a" only where such cells exist.
    /// </summary>
    public static IReadOnlyList<LegendItem> Legend(PhaseGrid grid) => Legend(grid.Metric, AllCells(grid));

    private static List<LegendItem> Legend(PhaseMetric metric, IReadOnlyList<PhaseCell> cells)
    {
        var legend = metric.IsCategorical
            ? PhaseGrid.Phases.Where(p => p != PhaseGrid.Diverged || cells.Any(c => c.Phase == p))
                .Select(p => Swatch(PhaseColors[p], p == PhaseGrid.Diverged ? "diverged (loss NaN or infinite)" : p)).ToList()
            : [];
        if (cells.Any(c => c.IsNever)) legend.Add(Swatch(NeverColor, "never: 99% not reached within the step budget"));
        if (cells.Any(c => c.IsEmpty)) legend.Add(Swatch(EmptyColor, "n/a: no run trained to its end (failed or cancelled)"));
        return legend;
    }

    private static LegendItem Swatch(Color color, string label) => new()
    {
        LabelText = label,
        FillColor = color,
        LineWidth = 0,
        MarkerShape = MarkerShape.None,
    };

    private static void ShowLegend(Plot plot, IReadOnlyList<LegendItem> items)
    {
        if (items.Count == 0) return;
        plot.Legend.ManualItems.AddRange(items);
        plot.Legend.FontSize = 13;
        plot.ShowLegend(Edge.Bottom);
    }
}
