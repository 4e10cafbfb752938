using ScottPlot;
using ScottPlot.TickGenerators;

namespace Grokking.Client.Plots;

/// <summary>
/// A step axis on a log scale, as in Power et al.'s Figure 1: ScottPlot has no log axis, so steps are plotted as
/// log10(step) and the ticks are labelled with the steps themselves (1, 10, 100, 1,000) with minor ticks between.
/// </summary>
public static class LogStepAxis
{
    public static double Position(long step) => Math.Log10(Math.Max(step, 1));

    public static void Apply(Plot plot, long lastStep, bool label = true)
    {
        var decades = (int)Math.Ceiling(Position(lastStep));
        var ticks = new NumericManual();
        for (var d = 0; d <= decades; d++)
        {
            ticks.AddMajor(d, GridValueFormat.Step(Math.Pow(10, d)));
            if (d < decades)
                for (var k = 2; k <= 9; k++) ticks.AddMinor(d + Math.Log10(k));
        }
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 13;
        if (label) plot.XLabel("step (log scale)", 14);
        plot.Axes.SetLimitsX(0, Math.Max(Position(lastStep), 1) + 0.03);
    }
}
