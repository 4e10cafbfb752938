using ScottPlot;
using ScottPlot.TickGenerators;

namespace Grokking.Client.Plots;

/// <summary>
/// Renders a <see cref="LinePlan"/> as a PNG: one coloured line per combination of the other grid axes, a gap where a
/// run has no value, and a "never" row above the data for step columns, with a hollow circle for a run that finished
/// without reaching the step and a cross for one that diverged, joined to its line by a dotted segment. Reference
/// curves are dashed, in black and greys, each with its own marker (hollow in the "never" row).
/// </summary>
public static class LinePlot
{
    public const int Width = 1200;
    public const int Height = 750;

    // More tick labels than this overlap at 1200 px; every k-th is labelled instead.
    private const int MaxTickLabels = 20;

    // The "never" row sits this fraction of the data's span above the highest value, the separator halfway.
    private const double NeverRow = 0.14;

    private static readonly Color SeparatorColor = Color.FromHex("#9a9a9a");

    // Neutral shades keep published curves apart from the sweep's palette; the marker tells references apart.
    private static readonly Color[] ReferenceColors = [Colors.Black, Color.FromHex("#5a5a5a"), Color.FromHex("#8c8c8c")];

    private static readonly (MarkerShape Value, MarkerShape Never)[] ReferenceMarkers =
    [
        (MarkerShape.FilledSquare, MarkerShape.OpenSquare),
        (MarkerShape.FilledTriangleUp, MarkerShape.OpenTriangleUp),
        (MarkerShape.FilledDiamond, MarkerShape.OpenDiamond),
        (MarkerShape.FilledTriangleDown, MarkerShape.OpenTriangleDown),
    ];

    public static void Save(LinePlan plan, string sweepName, string path)
    {
        using var plot = new Plot();
        FigureStyle.Apply(plot);
        var numericX = plan.X.Values.All(v => GridAxis.AsNumber(v) is not null);
        double XPos(object value) => !numericX ? plan.X.IndexOf(value)
            : plan.LogX ? Math.Log10(GridAxis.AsNumber(value)!.Value)
            : GridAxis.AsNumber(value)!.Value;
        double YPos(double value) => plan.LogY ? Math.Log10(value) : value;

        var (low, high) = DataRange(plan, YPos);
        var span = high - low;
        double? never = plan.HasNeverRow ? high + NeverRow * span : null;
        var xs = plan.X.Values.Select(XPos).Order().ToList();
        var all = xs.Concat(plan.References.SelectMany(r => r.Points).Select(p => XPos(p.X))).Order().ToList();
        var (left, right) = XLimits(all, numericX);
        // Runs that never got there all land on one row; a small sideways offset per line keeps their markers apart.
        var gap = xs.Count > 1 ? xs.Zip(xs.Skip(1), (a, b) => b - a).Min() : right - left;
        var series = plan.Lines.Concat(plan.References).ToList();
        if (never is not null && series.Count > 1)
            (left, right) = (Math.Min(left, all[0] - 0.3 * gap), Math.Max(right, all[^1] + 0.3 * gap));
        var colors = Palette(plan.Lines.Count);
        var looks = colors.Select(c => new Look(c, MarkerShape.FilledCircle, MarkerShape.OpenCircle, LinePattern.Solid, 8))
            .Concat(plan.References.Select((_, i) => ReferenceLook(i))).ToList();
        for (var i = 0; i < series.Count; i++)
        {
            var offset = series.Count == 1 ? 0 : (i / (series.Count - 1.0) - 0.5) * 0.4 * gap;
            DrawLine(plot, series[i], looks[i], XPos, YPos, never, offset);
        }
        if (never is not null) plot.Add.HorizontalLine(high + NeverRow / 2 * span, 1, SeparatorColor, LinePattern.Dashed);

        plot.Axes.Bottom.TickGenerator = XTicks(plan, XPos, right - left);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 13;
        plot.XLabel(plan.X.Title, 14);
        var longest = plan.X.Values.Max(v => plan.X.Label(v).Length);
        if (longest * 8 * Math.Min(plan.X.Values.Count, MaxTickLabels) > Width * 0.6)
        {
            plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
            plot.Axes.Bottom.MinimumSize = longest * 8 * 0.71f + 45;
        }
        var bottom = low - 0.04 * span;
        plot.Axes.Left.TickGenerator = YTicks(plan, bottom, high + 0.02 * span, never);
        plot.Axes.Left.TickLabelStyle.FontSize = 13;
        plot.YLabel(plan.LogY ? $"{plan.Column} (log scale)" : plan.Column, 14);
        plot.Axes.SetLimits(left, right, bottom, (never ?? high) + 0.06 * span);

        ShowLegend(plot, Legend(plan, sweepName, colors));
        plot.Title(Title(plan, sweepName), 15);
        plot.SavePng(path, Width, Height);
    }

    /// <summary>How one line is drawn: its colour, its marker on the line and in the "never" row, and its stroke.</summary>
    private readonly record struct Look(Color Color, MarkerShape Marker, MarkerShape NeverMarker, LinePattern Pattern, float MarkerSize);

    private static Look ReferenceLook(int index)
    {
        var (value, never) = ReferenceMarkers[index % ReferenceMarkers.Length];
        // A square or triangle looks smaller than a circle of the same size.
        return new Look(ReferenceColors[index % ReferenceColors.Length], value, never, LinePattern.Dashed, 10);
    }

    private static void DrawLine(Plot plot, LineSeries line, Look look, Func<object, double> xPos, Func<double, double> yPos, double? never, double offset)
    {
        var color = look.Color;
        var segment = new List<(double X, double Y)>();
        void Flush()
        {
            if (segment.Count == 0) return;
            var scatter = plot.Add.ScatterLine(segment.Select(p => p.X).ToArray(), segment.Select(p => p.Y).ToArray(), color);
            scatter.LineWidth = 2.5f;
            scatter.LinePattern = look.Pattern;
            scatter.MarkerShape = look.Marker;
            scatter.MarkerSize = look.MarkerSize;
            segment.Clear();
        }
        (double X, double Y)? previous = null;
        foreach (var point in line.Points)
        {
            (double X, double Y)? here = null;
            if (point is { Kind: LinePointKind.Value, Y: { } y })
            {
                here = (xPos(point.X), yPos(y));
                segment.Add(here.Value);
            }
            else
            {
                Flush();
                if (point.Kind is (LinePointKind.Never or LinePointKind.Diverged) && never is { } row)
                {
                    here = (xPos(point.X) + offset, row);
                    var marker = plot.Add.Marker(here.Value.X, row, point.Kind == LinePointKind.Never ? look.NeverMarker : MarkerShape.Eks, 12, color);
                    marker.MarkerLineWidth = 2.5f;
                }
            }
            // A dotted step between a value and a "never" marker says which line the marker belongs to.
            if (previous is { } from && here is { } to && (from.Y == never) != (to.Y == never))
                plot.Add.Line(from.X, from.Y, to.X, to.Y).LineStyle = new LineStyle { Color = color, Width = 1.5f, Pattern = LinePattern.Dotted };
            previous = here;
        }
        Flush();
    }

    // The values' extent on the plotted scale; a linear scale starts at zero so heights compare honestly.
    private static (double Low, double High) DataRange(LinePlan plan, Func<double, double> yPos)
    {
        var values = plan.Lines.Concat(plan.References).SelectMany(l => l.Points).Select(p => p.Y).OfType<double>().Select(yPos).ToList();
        if (values.Count == 0) return (0, 1);
        var (low, high) = (values.Min(), values.Max());
        if (!plan.LogY && low >= 0) low = 0;
        if (high - low < 1e-12) (low, high) = plan.LogY ? (low - 0.5, high + 0.5) : (low - Math.Max(Math.Abs(low), 1) / 2, high + Math.Max(Math.Abs(high), 1) / 2);
        return (low, high);
    }

    private static (double Left, double Right) XLimits(IReadOnlyList<double> xs, bool numeric)
    {
        if (!numeric) return (-0.5, xs.Count - 0.5);
        var range = xs[^1] - xs[0];
        var pad = range > 0 ? 0.05 * range : 0.5;
        return (xs[0] - pad, xs[^1] + pad);
    }

    private static Color[] Palette(int count)
    {
        if (count <= 10) return Enumerable.Range(0, count).Select(i => new ScottPlot.Palettes.Category10().GetColor(i)).ToArray();
        if (count <= 20) return Enumerable.Range(0, count).Select(i => new ScottPlot.Palettes.Category20().GetColor(i)).ToArray();
        // Beyond twenty lines no palette keeps them apart; a colour ramp at least shows their order.
        var ramp = new ScottPlot.Colormaps.Turbo();
        return Enumerable.Range(0, count).Select(i => ramp.GetColor(0.05 + 0.9 * i / (count - 1))).ToArray();
    }

    /// <summary>A tick per grid value, and one per reference x beyond the grid where its label has room.</summary>
    private static NumericManual XTicks(LinePlan plan, Func<object, double> xPos, double width)
    {
        var axis = plan.X;
        var ticks = new NumericManual();
        var labelled = new List<double>();
        var every = (axis.Values.Count + MaxTickLabels - 1) / MaxTickLabels;
        for (var i = 0; i < axis.Values.Count; i++)
        {
            var at = xPos(axis.Values[i]);
            if (i % every != 0)
            {
                ticks.AddMinor(at);
                continue;
            }
            ticks.AddMajor(at, axis.Label(axis.Values[i]));
            labelled.Add(at);
        }
        // A reference point past the grid's ends would otherwise have no labelled tick to read its x against.
        var (first, last) = (axis.Values.Min(xPos), axis.Values.Max(xPos));
        foreach (var x in plan.References.SelectMany(r => r.Points).Select(p => p.X).DistinctBy(xPos).OrderBy(xPos))
        {
            var at = xPos(x);
            if (at >= first && at <= last) continue;
            if (labelled.All(l => Math.Abs(l - at) > 0.05 * width))
            {
                ticks.AddMajor(at, axis.Label(x));
                labelled.Add(at);
            }
            else ticks.AddMinor(at);
        }
        return ticks;
    }

    /// <summary>Round values between <paramref name="low"/> and <paramref name="high"/> on the plotted scale, and "never" on its row.</summary>
    private static NumericManual YTicks(LinePlan plan, double low, double high, double? never)
    {
        var ticks = new NumericManual();
        if (plan.LogY)
        {
            // Decades always; 2 and 5 between them too unless the values span so many decades that those crowd.
            var sparse = high - low < 3;
            for (var d = (int)Math.Floor(low); d <= (int)Math.Ceiling(high); d++)
                for (var k = 1; k <= 9; k++)
                {
                    var position = d + Math.Log10(k);
                    if (position < low || position > high) continue;
                    if (k == 1 || (sparse && k is 2 or 5)) ticks.AddMajor(position, YLabel(plan, Math.Pow(10, position)));
                    else ticks.AddMinor(position);
                }
        }
        else
        {
            var step = NiceStep((high - low) / 6);
            for (var k = Math.Ceiling(low / step - 1e-9); k * step <= high + 1e-9 * step; k++)
                ticks.AddMajor(k * step + 0.0, YLabel(plan, k * step + 0.0));
        }
        if (never is { } row) ticks.AddMajor(row, "never");
        return ticks;
    }

    private static double NiceStep(double rough)
    {
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        return new[] { 1, 2, 5, 10 }.Select(m => m * magnitude).First(s => s >= rough * (1 - 1e-9));
    }

    private static string YLabel(LinePlan plan, double value) =>
        plan.IsStep ? GridValueFormat.Step(Math.Round(value)) : GridValueFormat.Format(value);

    private static string Title(LinePlan plan, string sweepName)
    {
        var description = PhaseMetric.All.FirstOrDefault(m => m.Name == plan.Column)?.Description;
        var what = description is null ? plan.Column : $"{plan.Column} ({description})";
        var details = new List<string>
        {
            plan.LineAxes.Count > 0 ? $"one line per {string.Join(" × ", plan.LineAxes.Select(a => a.Name))}" : "one run per point",
        };
        if (plan.Fixed.Count > 0) details.Add("fixed " + string.Join(", ", plan.Fixed.Select(a => $"{a.Name} = {a.Label(a.Values[0])}")));
        return $"sweep {sweepName}: {what} against {plan.X.Name}\n{string.Join("; ", details)}";
    }

    // A line per entry when there are several (or references to tell the sweep from), each reference, then what the
    // markers and gaps mean where the figure has them.
    private static List<LegendItem> Legend(LinePlan plan, string sweepName, IReadOnlyList<Color> colors)
    {
        var items = new List<LegendItem>();
        if (plan.LineAxes.Count > 0)
            items.AddRange(plan.Lines.Select((l, i) => Entry(l.Label, colors[i], MarkerShape.FilledCircle, LinePattern.Solid)));
        else if (plan.References.Count > 0)
            items.Add(Entry($"sweep {sweepName}", colors[0], MarkerShape.FilledCircle, LinePattern.Solid));
        var looks = plan.References.Select((_, i) => ReferenceLook(i)).ToList();
        items.AddRange(plan.References.Select((r, i) => Entry(r.Label, looks[i].Color, looks[i].Marker, looks[i].Pattern)));
        var kinds = plan.Lines.SelectMany(l => l.Points).Select(p => p.Kind).ToHashSet();
        if (kinds.Contains(LinePointKind.Never))
            items.Add(Marker(MarkerShape.OpenCircle, Colors.Black, "never: the run finished without reaching it"));
        for (var i = 0; i < plan.References.Count; i++)
            if (plan.References[i].Points.Any(p => p.Kind == LinePointKind.Never))
                items.Add(Marker(looks[i].NeverMarker, looks[i].Color, $"never: {plan.References[i].Label} did not reach it"));
        if (kinds.Contains(LinePointKind.Diverged))
            items.Add(Marker(MarkerShape.Eks, Colors.Black, "diverged: loss became NaN or infinite"));
        var emptyCell = plan.References.Any(r => r.Points.Any(p => p.Kind == LinePointKind.Missing));
        if (kinds.Contains(LinePointKind.Missing) || emptyCell)
        {
            var why = kinds.Contains(LinePointKind.Missing) ? "failed or cancelled run, or NULL" : "";
            why += emptyCell ? (why.Length > 0 ? "; " : "") + "empty reference cell" : "";
            items.Add(new LegendItem { LabelText = $"gap: no value ({why})", LineWidth = 0, MarkerShape = MarkerShape.None });
        }
        return items;
    }

    private static LegendItem Entry(string label, Color color, MarkerShape marker, LinePattern pattern) => new()
    {
        LabelText = label,
        LineColor = color,
        LineWidth = 2.5f,
        LinePattern = pattern,
        MarkerShape = marker,
        MarkerSize = 8,
        MarkerFillColor = color,
        MarkerLineColor = color,
    };

    private static LegendItem Marker(MarkerShape shape, Color color, string label) => new()
    {
        LabelText = label,
        LineWidth = 0,
        MarkerShape = shape,
        MarkerSize = 12,
        MarkerLineColor = color,
        MarkerLineWidth = 2,
        MarkerFillColor = Colors.Transparent,
    };

    private static void ShowLegend(Plot plot, IReadOnlyList<LegendItem> items)
    {
        if (items.Count == 0) return;
        plot.Legend.ManualItems.AddRange(items);
        plot.Legend.FontSize = 13;
        plot.Legend.SymbolWidth = 36;
        plot.ShowLegend(Edge.Right);
    }
}
