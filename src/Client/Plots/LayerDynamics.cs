using ScottPlot;

namespace Grokking.Client.Plots;

/// <summary>
/// Deep Grokking's per-layer view of one run in one PNG: feature rank (top) and weight norm (bottom) of each layer
/// against the step on a log scale, with the steps at which the run reached 99% train and validation accuracy.
/// </summary>
public static class LayerDynamics
{
    public const int Width = 1200;
    public const int Height = 900;

    public static void Save(SweepResults sweep, RunResult run, IReadOnlyList<LayerPoint> layers, string path)
    {
        using var rank = new Plot();
        using var norm = new Plot();
        var multiplot = new Multiplot(rank);
        multiplot.AddPlot(norm);
        var lastStep = layers.Max(p => p.Step);
        Panel(rank, run, layers, p => p.FeatureRank, "feature rank", lastStep, bottom: false);
        Panel(norm, run, layers, p => p.WeightNorm, "weight norm", lastStep, bottom: true);
        rank.Title($"sweep {sweep.Name}, run {run.RunId}: per-layer feature rank and weight norm\n{RunLabel.Parameters(sweep, run)}: {RunLabel.Outcome(run)}", 15);
        multiplot.SavePng(path, Width, Height);
    }

    private static void Panel(Plot plot, RunResult run, IReadOnlyList<LayerPoint> layers, Func<LayerPoint, double> value, string label, long lastStep, bool bottom)
    {
        FigureStyle.Apply(plot);
        // Deep MLPs have more than ten layers; twenty colours keep them apart.
        IPalette palette = layers.Select(p => p.Layer).Distinct().Count() > 10 ? new ScottPlot.Palettes.Category20() : new ScottPlot.Palettes.Category10();
        foreach (var (layer, i) in layers.GroupBy(p => (p.Layer, p.LayerName)).OrderBy(g => g.Key.Layer).Select((g, i) => (g, i)))
        {
            var points = layer.OrderBy(p => p.Step).ToList();
            var line = plot.Add.ScatterLine(points.Select(p => LogStepAxis.Position(p.Step)).ToArray(), points.Select(value).ToArray(), palette.GetColor(i));
            line.LineWidth = 2;
            line.MarkerSize = 6;
            line.MarkerShape = MarkerShape.FilledCircle;
            line.LegendText = layer.Key.LayerName;
        }
        // Where the run fits its training set and where it generalises: rank and norm changes line up with these.
        Milestone(plot, run.StepTrain99, LinePattern.Dashed, "99% train");
        Milestone(plot, run.StepVal99, LinePattern.Dotted, "99% validation");
        LogStepAxis.Apply(plot, lastStep, label: bottom);
        plot.YLabel(label, 14);
        plot.Axes.Left.TickLabelStyle.FontSize = 13;
        plot.Legend.FontSize = 13;
        plot.Legend.SymbolWidth = 30;
        plot.ShowLegend(Edge.Right);
    }

    private static void Milestone(Plot plot, long? step, LinePattern pattern, string label)
    {
        if (step is not { } s) return;
        var line = plot.Add.VerticalLine(LogStepAxis.Position(s), 1.5f, Colors.Black, pattern);
        line.LegendText = $"{label} ({GridValueFormat.Step(s)})";
    }
}
