using Grokking.Client.Plots;

namespace Grokking.Client.Tests.Plots;

public sealed class LinePlotTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private readonly TempFolder _work = new();

    private string FractionSweep() => LineSweeps.Fraction(_work.Path);

    private string OperationSweep() => LineSweeps.Operation(_work.Path);

    private string Fabricate(string name, string select) => LineSweeps.Fabricate(_work.Path, name, select);

    private static LinePlan Plan(SweepResults sweep, string column, string axis) =>
        LinePlan.Build(sweep, column, sweep.Axes.Single(a => a.Name == axis));

    private static (int Code, string Stdout, string Stderr) Plot(params string[] args) => Cli.Run(Timeout, ["plot", .. args]);

    [Fact]
    public void A_one_axis_sweep_is_one_line_with_never_reached_and_failed_runs_told_apart()
    {
        using var sweep = SweepResults.Load(FractionSweep());
        var plan = Plan(sweep, "step_val_loss_below", "train_fraction");
        var line = Assert.Single(plan.Lines);
        Assert.Equal([0.2, 0.3, 0.4, 0.5, 0.6, 0.7], line.Points.Select(p => (double)p.X));
        Assert.Equal(
            [LinePointKind.Missing, LinePointKind.Never, LinePointKind.Value, LinePointKind.Value, LinePointKind.Value, LinePointKind.Value],
            line.Points.Select(p => p.Kind));
        Assert.Equal([null, null, 9000, 2500, 800, 300], line.Points.Select(p => p.Y));
        Assert.True(plan.HasNeverRow);
        Assert.True(plan.LogY); // 300 to 9,000 steps
        Assert.False(plan.LogX); // 0.2 to 0.7 in even steps
    }

    [Fact]
    public void Line_writes_only_the_line_plot_to_the_sweep_plots_folder()
    {
        var folder = FractionSweep();
        var (code, stdout, stderr) = Plot(folder, "--line", "step_val_loss_below");
        Assert.True(code == 0, stderr);
        var png = Path.Combine(folder, "plots", "line-step_val_loss_below-train_fraction.png");
        Assert.Equal(png, stdout.Trim());
        Assert.Equal([png], Directory.GetFiles(Path.Combine(folder, "plots")));
        Assert.Equal((LinePlot.Width, LinePlot.Height), PngFile.Size(png));
    }

    [Fact]
    public void A_two_axis_sweep_draws_one_line_per_value_of_the_other_axis()
    {
        using var sweep = SweepResults.Load(OperationSweep());
        var byOperation = Plan(sweep, "step_val_99", "train_fraction");
        Assert.Equal(["operation=x+y", "operation=x-y", "operation=x/y"], byOperation.Lines.Select(l => l.Label));
        Assert.All(byOperation.Lines, l => Assert.Equal([0.3, 0.5, 0.7], l.Points.Select(p => (double)p.X)));
        Assert.Equal(["operation"], byOperation.LineAxes.Select(a => a.Name));
        Assert.Equal(["lr"], byOperation.Fixed.Select(a => a.Name)); // one value: in the title, not a line each
        // x-y at 0.3 never got there; x/y at 0.3 diverged; x/y at 0.7 failed, so nothing is known.
        Assert.Equal(LinePointKind.Never, byOperation.Lines[1].Points[0].Kind);
        Assert.Equal([LinePointKind.Diverged, LinePointKind.Value, LinePointKind.Missing], byOperation.Lines[2].Points.Select(p => p.Kind));

        var byFraction = Plan(sweep, "step_val_99", "operation");
        Assert.Equal(["train_fraction=0.3", "train_fraction=0.5", "train_fraction=0.7"], byFraction.Lines.Select(l => l.Label));
        Assert.All(byFraction.Lines, l => Assert.Equal(["x+y", "x-y", "x/y"], l.Points.Select(p => (string)p.X)));
    }

    [Fact]
    public void A_two_axis_line_plot_is_written_against_the_axis_given()
    {
        var folder = OperationSweep();
        var output = Path.Combine(_work.Path, "out");
        var (code, stdout, stderr) = Plot(folder, "--line", "grokking_gap", "--x", "train_fraction", "--out", output);
        Assert.True(code == 0, stderr);
        var png = Path.Combine(output, "line-grokking_gap-train_fraction.png");
        Assert.Equal(png, stdout.Trim());
        Assert.Equal((LinePlot.Width, LinePlot.Height), PngFile.Size(png));
    }

    [Fact]
    public void Log_scales_are_used_for_steps_spanning_a_decade_and_for_log_spaced_axes_only()
    {
        using var fractions = SweepResults.Load(FractionSweep());
        // wall_time_s spans 1 to 6 s and is no step; max_val_acc is one value.
        Assert.False(Plan(fractions, "wall_time_s", "train_fraction").LogY);
        Assert.False(Plan(fractions, "max_val_acc", "train_fraction").LogY);
        using var operations = SweepResults.Load(OperationSweep());
        // grokking_gap spans 50 to 2,950 steps; step_train_99 is 50 everywhere.
        Assert.True(Plan(operations, "grokking_gap", "train_fraction").LogY);
        Assert.False(Plan(operations, "step_train_99", "train_fraction").LogY);
        using var lrs = SweepResults.Load(Fabricate("lrs", """
            SELECT 'lrs' AS sweep_id, 'r' || i AS run_id, i::INTEGER AS run_index, 'done' AS status, 0 AS failures, lr,
                   100::BIGINT AS steps_trained, 50::BIGINT AS step_train_99, 80::BIGINT AS step_val_99, 30::BIGINT AS grokking_gap,
                   'comprehension' AS phase, 1.0 AS final_val_acc, 1.0 AS max_val_acc
            FROM (VALUES (0, 1e-3), (1, 1e-2), (2, 1e-1)) AS t(i, lr)
            """));
        Assert.True(Plan(lrs, "step_val_99", "lr").LogX);
        Assert.False(Plan(lrs, "step_val_99", "lr").LogY);
    }

    [Fact]
    public void Only_numeric_outcome_columns_are_offered()
    {
        using var sweep = SweepResults.Load(FractionSweep());
        Assert.Equal(
            ["failures", "steps_trained", "step_train_99", "step_val_99", "grokking_gap", "step_val_loss_below", "final_val_acc", "max_val_acc", "wall_time_s"],
            sweep.NumericColumns);
        Assert.Equal([null, null, 9000, 2500, 800, 300], sweep.Runs.Select(r => r.Numbers["step_val_loss_below"]));
    }

    private string Refused(string sweepDir, params string[] options) => Cli.PlotRefused(_work.Path, sweepDir, options);

    private const string Accepted =
        "accepted: failures, steps_trained, step_train_99, step_val_99, grokking_gap, step_val_loss_below, final_val_acc, max_val_acc, wall_time_s";

    [Fact]
    public void An_unknown_or_non_numeric_column_is_refused_with_the_numeric_columns()
    {
        var folder = FractionSweep();
        Assert.Equal($"error: --line accuracy: not a column of runs.parquet of sweep fraction; {Accepted}", Refused(folder, "--line", "accuracy"));
        Assert.Equal($"error: --line phase: holds text, not numbers; {Accepted}", Refused(folder, "--line", "phase"));
        Assert.Equal($"error: --line stopped_early: holds true/false, not numbers; {Accepted}", Refused(folder, "--line", "stopped_early"));
        Assert.Equal($"error: --line train_fraction: a grid axis of sweep fraction, not an outcome (give it as --x); {Accepted}",
            Refused(folder, "--line", "train_fraction"));
    }

    [Fact]
    public void An_unknown_axis_or_an_option_of_the_default_figures_is_refused_with_line()
    {
        var folder = OperationSweep();
        Assert.Equal("error: --x seed: not a grid axis of sweep operations; accepted: operation, train_fraction, lr",
            Refused(folder, "--line", "step_val_99", "--x", "seed"));
        Assert.Equal("error: --y, --metric: not used with --line, which draws only the line plot; accepted with --line: --x AXIS, --reference FILE.csv, --out FOLDER",
            Refused(folder, "--line", "step_val_99", "--y", "lr", "--metric", "phase"));
        Assert.False(Directory.Exists(Path.Combine(folder, "plots")));
    }

    public void Dispose() => _work.Dispose();
}
