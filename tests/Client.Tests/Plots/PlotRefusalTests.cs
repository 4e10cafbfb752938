namespace Grokking.Client.Tests.Plots;

[Collection(PlotSweepCollection.Name)]
public sealed class PlotRefusalTests(PlotSweepFixture sweep)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>Runs `grokking plot` expecting exit code 2, one error line and no output folder.</summary>
    private string Refused(string sweepDir, params string[] options)
    {
        var folder = sweep.NewPath();
        var (code, stdout, stderr) = Cli.Run(Timeout, ["plot", sweepDir, .. options, "--out", folder]);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.False(Directory.Exists(folder), "a refused plot command created its output folder");
        return stderr.TrimEnd();
    }

    [Fact]
    public void An_unknown_axis_is_refused_with_the_axes_of_the_grid()
    {
        Assert.Equal($"error: --x foo: not a grid axis of sweep {PlotSweepFixture.Name}; accepted: lr, weight_decay", Refused(sweep.SweepDir, "--x", "foo"));
        Assert.Equal("error: --y lr: the same axis as --x; accepted: weight_decay", Refused(sweep.SweepDir, "--x", "lr", "--y", "lr"));
    }

    [Fact]
    public void An_unknown_metric_is_refused_with_the_metrics_accepted()
    {
        Assert.Equal("error: --metric accuracy: unknown metric; accepted: step_val_99, grokking_gap, final_val_acc, max_val_acc, phase",
            Refused(sweep.SweepDir, "--metric", "accuracy"));
    }

    [Fact]
    public void An_unknown_run_is_refused_with_run_ids_of_the_sweep()
    {
        var error = Refused(sweep.SweepDir, "--runs", $"{sweep.RunIds[0]},rdeadbeefdeadbeef");
        Assert.StartsWith($"error: --runs rdeadbeefdeadbeef: not a run of sweep {PlotSweepFixture.Name}; accepted: ", error);
        Assert.All(sweep.RunIds, id => Assert.Contains(id, error));
    }

    [Fact]
    public void A_missing_folder_is_refused()
    {
        var missing = Path.Combine(sweep.NewPath(), "sweep=nope");
        Assert.Equal($"error: {missing}: no such folder; give a finished sweep folder such as runs/sweep=quick.", Refused(missing));
    }

    [Fact]
    public void An_unfinished_sweep_is_drawn_as_far_as_it_has_got_with_a_note()
    {
        // A long sweep is worth a look before it ends: the running run is an empty cell, the others are drawn.
        var unfinished = sweep.DerivedSweep(PlotSweepFixture.Name,
            "SELECT * REPLACE (CASE WHEN run_index = 0 THEN 'running' ELSE status END AS status) FROM runs");
        var folder = sweep.NewPath();
        var (code, stdout, stderr) = Cli.Run(Timeout, "plot", unfinished, "--out", folder);
        Assert.True(code == 0, stderr);
        Assert.Contains($"note: sweep {PlotSweepFixture.Name} is unfinished (1 of 4 runs pending or running)", stderr);
        Assert.Contains(".png", stdout);
        Assert.NotEmpty(Directory.GetFiles(folder, "phase-*.png"));
    }
}
