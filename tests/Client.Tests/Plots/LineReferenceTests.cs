using Grokking.Client.Plots;

namespace Grokking.Client.Tests.Plots;

/// <summary>`grokking plot --line COLUMN --reference FILE.csv`: published curves drawn beside the sweep's.</summary>
public sealed class LineReferenceTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    // Nanda et al.'s saved sweep as docs/results keeps it: descending fractions, CRLF or LF, a label column.
    private const string Nanda = """
        train_fraction,step_val_loss_below,label
        0.7,222,Nanda et al.
        0.5,956,Nanda et al.
        0.3,7930,Nanda et al.
        0.25,21848,Nanda et al.
        """;

    private readonly TempFolder _work = new();

    private string Csv(string name, string text)
    {
        Directory.CreateDirectory(_work.Path);
        var path = Path.Combine(_work.Path, name);
        File.WriteAllText(path, text);
        return path;
    }

    private LinePlan Plan(string column, params string[] references)
    {
        using var sweep = SweepResults.Load(LineSweeps.Fraction(_work.Path));
        return LinePlan.Build(sweep, column, sweep.Axes.Single(a => a.Name == "train_fraction"), references);
    }

    [Fact]
    public void A_reference_is_planned_as_its_own_series_with_the_csv_points_in_x_order()
    {
        var plan = Plan("step_val_loss_below", Csv("nanda.csv", Nanda));
        var reference = Assert.Single(plan.References);
        Assert.Equal("Nanda et al.", reference.Label);
        Assert.Equal([0.25, 0.3, 0.5, 0.7], reference.Points.Select(p => (double)p.X));
        Assert.Equal([21848, 7930, 956, 222], reference.Points.Select(p => p.Y));
        Assert.All(reference.Points, p => Assert.Equal(LinePointKind.Value, p.Kind));
        // The sweep's own line is as it was without the reference.
        Assert.Equal([null, null, 9000, 2500, 800, 300], Assert.Single(plan.Lines).Points.Select(p => p.Y));
    }

    [Fact]
    public void An_empty_step_cell_is_a_never_reached_reference_point_and_files_without_label_are_named_after_the_file()
    {
        var never = Csv("power-fig2.csv", "step_val_loss_below,train_fraction\r\n,0.2\r\n4000,0.5\r\n1000,0.8\r\n");
        var plan = Plan("step_val_loss_below", Csv("nanda.csv", Nanda), never);
        Assert.Equal(["Nanda et al.", "power-fig2"], plan.References.Select(r => r.Label));
        var power = plan.References[1];
        Assert.Equal([LinePointKind.Never, LinePointKind.Value, LinePointKind.Value], power.Points.Select(p => p.Kind));
        Assert.Equal([null, 4000, 1000], power.Points.Select(p => p.Y));
        Assert.True(plan.HasNeverRow);

        // A sweep with no "never" of its own still gets the row for a reference's.
        using var sweep = SweepResults.Load(LineSweeps.Fraction(_work.Path));
        var x = sweep.Axes.Single();
        Assert.False(LinePlan.Build(sweep, "step_train_99", x).HasNeverRow);
        Assert.True(LinePlan.Build(sweep, "step_train_99", x, [Csv("train.csv", "train_fraction,step_train_99\n0.3,\n0.5,60\n")]).HasNeverRow);
    }

    [Fact]
    public void A_label_column_splits_one_file_into_a_series_per_label_and_quoted_fields_are_read()
    {
        var plan = Plan("step_val_99", Csv("power.csv", """
            label,train_fraction,step_val_99
            "x+y, Power et al.",0.3,900
            "x-y, ""Power"" et al.",0.3,4000
            "x+y, Power et al.",0.5,"400"
            """));
        Assert.Equal(["x+y, Power et al.", "x-y, \"Power\" et al."], plan.References.Select(r => r.Label));
        Assert.Equal([900, 400], plan.References[0].Points.Select(p => p.Y));
    }

    [Fact]
    public void Log_scale_is_chosen_for_sweep_and_reference_values_together()
    {
        // step_train_99 is 50 in every run: linear alone, but a reference at 5,000 spans two decades with it.
        Assert.False(Plan("step_train_99").LogY);
        Assert.True(Plan("step_train_99", Csv("slow.csv", "train_fraction,step_train_99\n0.5,5000\n")).LogY);

        // lr 1e-3, 1e-2, 1e-1 is log-spaced; a published point at lr = 0 has no place on a log axis.
        using var lrs = SweepResults.Load(LineSweeps.Fabricate(_work.Path, "lrs", """
            SELECT 'lrs' AS sweep_id, 'r' || i AS run_id, i::INTEGER AS run_index, 'done' AS status, 0 AS failures, lr,
                   100::BIGINT AS steps_trained, 50::BIGINT AS step_train_99, 80::BIGINT AS step_val_99, 30::BIGINT AS grokking_gap,
                   'comprehension' AS phase, 1.0 AS final_val_acc, 1.0 AS max_val_acc
            FROM (VALUES (0, 1e-3), (1, 1e-2), (2, 1e-1)) AS t(i, lr)
            """));
        var lr = lrs.Axes.Single();
        Assert.True(LinePlan.Build(lrs, "step_val_99", lr, [Csv("lr.csv", "lr,step_val_99\n3e-3,200\n")]).LogX);
        Assert.False(LinePlan.Build(lrs, "step_val_99", lr, [Csv("lr0.csv", "lr,step_val_99\n0,200\n3e-3,200\n")]).LogX);
    }

    [Fact]
    public void A_line_plot_with_references_is_written()
    {
        var folder = LineSweeps.Fraction(_work.Path);
        var output = Path.Combine(_work.Path, "out");
        var (code, stdout, stderr) = Plot(folder, "--line", "step_val_loss_below", "--out", output,
            "--reference", Csv("nanda.csv", Nanda), "--reference", Csv("never.csv", "train_fraction,step_val_loss_below\n0.2,\n0.9,150\n"));
        Assert.True(code == 0, stderr);
        var png = Path.Combine(output, "line-step_val_loss_below-train_fraction.png");
        Assert.Equal(png, stdout.Trim());
        Assert.Equal((LinePlot.Width, LinePlot.Height), PngFile.Size(png));
    }

    private static (int Code, string Stdout, string Stderr) Plot(params string[] args) => Cli.Run(Timeout, ["plot", .. args]);

    private string Refused(string sweepDir, params string[] options) => Cli.PlotRefused(_work.Path, sweepDir, options);

    private const string Accepted =
        "accepted: a CSV file whose header row names train_fraction and step_val_loss_below (and optionally label), one row per point";

    [Fact]
    public void A_missing_file_or_a_file_without_the_axis_or_the_column_is_refused()
    {
        var folder = LineSweeps.Fraction(_work.Path);
        string Refuse(string csv) => Refused(folder, "--line", "step_val_loss_below", "--reference", csv);
        var missing = Path.Combine(_work.Path, "nope.csv");
        Assert.Equal($"error: --reference {missing}: no such file; {Accepted}", Refuse(missing));
        var noAxis = Csv("no-axis.csv", "fraction,step_val_loss_below\n0.5,100\n");
        Assert.Equal($"error: --reference {noAxis}: no column train_fraction (the --x axis); its columns: fraction, step_val_loss_below; {Accepted}",
            Refuse(noAxis));
        var noColumn = Csv("no-column.csv", "train_fraction,step_val_99\n0.5,100\n");
        Assert.Equal($"error: --reference {noColumn}: no column step_val_loss_below (the --line column); its columns: train_fraction, step_val_99; {Accepted}",
            Refuse(noColumn));
    }

    [Fact]
    public void A_cell_that_is_not_a_number_is_refused_with_its_line()
    {
        var folder = LineSweeps.Fraction(_work.Path);
        var text = Csv("text.csv", "train_fraction,step_val_loss_below\n0.5,100\n0.6,about 80\n");
        Assert.Equal(
            $"error: --reference {text}: line 3, step_val_loss_below: \"about 80\" is not a number; "
            + "accepted: a finite number such as 2150, 0.3 or 1e-3, or an empty cell for a step never reached",
            Refused(folder, "--line", "step_val_loss_below", "--reference", text));
        var axis = Csv("axis.csv", "train_fraction,step_val_loss_below\r\n30%,100\r\n");
        Assert.Equal(
            $"error: --reference {axis}: line 2, train_fraction: \"30%\" is not a number; accepted: a finite number such as 2150, 0.3 or 1e-3",
            Refused(folder, "--line", "step_val_loss_below", "--reference", axis));
    }

    [Fact]
    public void Reference_without_line_or_against_a_text_axis_is_refused()
    {
        var nanda = Csv("nanda.csv", Nanda);
        Assert.Equal($"error: --reference {nanda}: drawn only on a line plot; accepted: --line COLUMN [--x AXIS] --reference FILE.csv",
            Refused(LineSweeps.Fraction(_work.Path), "--reference", nanda));
        Assert.Equal(
            $"error: --reference {nanda}: --x operation holds text, so a reference's numbers have no place on it; accepted: --x train_fraction, lr",
            Refused(LineSweeps.Operation(_work.Path), "--line", "step_val_99", "--x", "operation", "--reference", nanda));
    }

    public void Dispose() => _work.Dispose();
}
