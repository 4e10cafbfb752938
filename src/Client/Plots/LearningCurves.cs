using ScottPlot;

namespace Grokking.Client.Plots;

/// <summary>
/// Power et al.'s Figure 1 for several runs in one PNG: accuracy on the whole training split (dashed) and the
/// validation split (solid) against the step on a log scale, one colour per run.
/// </summary>
public static class LearningCurves
{
    public const int Width = 1200;
    public const int Height = 750;

    /// <summary>Runs one figure shows: one colour each from a ten-colour palette.</summary>
    public const int MaxRuns = 10;

    /// <param name="runs">Runs with at least one evaluation each, in legend order.</param>
    public static void Save(SweepResults sweep, IReadOnlyList<(RunResult Run, IReadOnlyList<CurvePoint> Curve)> runs, string path)
    {
        using var plot = new Plot();
        FigureStyle.Apply(plot);
        var palette = new ScottPlot.Palettes.Category10();
        var legend = new List<LegendItem>();
        for (var i = 0; i < runs.Count; i++)
        {
            var (run, curve) = runs[i];
            var color = palette.GetColor(i);
            var steps = curve.Select(p => LogStepAxis.Position(p.Step)).ToArray();
            var train = plot.Add.ScatterLine(steps, curve.Select(p => 100 * p.TrainAcc).ToArray(), color);
            train.LineStyle = new LineStyle(1.5f, color, LinePattern.Dashed);
            var validation = plot.Add.ScatterLine(steps, curve.Select(p => 100 * p.ValAcc).ToArray(), color);
            validation.LineWidth = 2.5f;
            // Three short lines rather than one long one keep the legend narrow and the curves wide.
            legend.Add(Line($"{RunLabel.Parameters(sweep, run)}\n{RunLabel.Outcome(run)}\n{run.RunId}", color, 2.5f, LinePattern.Solid));
        }
        legend.Add(Line("train (whole training split)", Colors.Black, 1.5f, LinePattern.Dashed));
        legend.Add(Line("validation", Colors.Black, 2.5f, LinePattern.Solid));
        plot.Legend.ManualItems.AddRange(legend);
        plot.Legend.FontSize = 13;
        plot.Legend.SymbolWidth = 36;
        plot.ShowLegend(Edge.Right);

        LogStepAxis.Apply(plot, runs.Max(r => r.Curve[^1].Step));
        plot.YLabel("accuracy (%)", 14);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(10);
        plot.Axes.Left.TickLabelStyle.FontSize = 13;
        plot.Axes.SetLimitsY(-2, 102);
        plot.Title($"sweep {sweep.Name}: train (dashed) and validation (solid) accuracy", 15);
        plot.SavePng(path, Width, Height);
    }

    private static LegendItem Line(string label, Color color, float width, LinePattern pattern) => new()
    {
        LabelText = label,
        LineColor = color,
        LineWidth = width,
        LinePattern = pattern,
        MarkerShape = MarkerShape.None,
    };
}
