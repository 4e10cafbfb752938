using Grokking.Client.Plots;

namespace Grokking.Client.Tests.Plots;

[Collection(PlotSweepCollection.Name)]
public sealed class PlotCommandTests(PlotSweepFixture sweep)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private static (int Code, string Stdout, string Stderr) Plot(params string[] args) => Cli.Run(Timeout, ["plot", .. args]);

    /// <summary>The paths the command printed, checked to be exactly the files it wrote.</summary>
    private static List<string> Written(string stdout, string folder)
    {
        var printed = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        Assert.Equal(Directory.GetFiles(folder).Order(), printed.Order());
        return printed;
    }

    private static string FileName(string path) => Path.GetFileName(path);

    [Fact]
    public void Default_plots_are_a_phase_diagram_learning_curves_and_one_layer_figure_per_run()
    {
        var folder = sweep.NewPath();
        var (code, stdout, stderr) = Plot(sweep.SweepDir, "--out", folder);
        Assert.True(code == 0, stderr);
        var written = Written(stdout, folder).Select(FileName).ToList();
        Assert.Equal("phase-step_val_99-lr-weight_decay.png", written[0]);
        Assert.Equal("learning-curves.png", written[1]);
        Assert.Equal(sweep.RunIds.Select(id => $"layers-{id}.png").Order(), written.Skip(2).Order());
        Assert.Equal((PhaseDiagram.Width, 800), PngFile.Size(Path.Combine(folder, written[0])));
        Assert.Equal((LearningCurves.Width, LearningCurves.Height), PngFile.Size(Path.Combine(folder, "learning-curves.png")));
        foreach (var id in sweep.RunIds)
            Assert.Equal((LayerDynamics.Width, LayerDynamics.Height), PngFile.Size(Path.Combine(folder, $"layers-{id}.png")));
    }

    [Fact]
    public void Metric_phase_draws_the_categorical_diagram_over_the_axes_chosen()
    {
        var folder = sweep.NewPath();
        var (code, stdout, stderr) = Plot(sweep.SweepDir, "--metric", "phase", "--x", "weight_decay", "--y", "lr", "--out", folder);
        Assert.True(code == 0, stderr);
        var phase = Path.Combine(folder, "phase-phase-weight_decay-lr.png");
        Assert.Contains(phase, Written(stdout, folder));
        Assert.Equal((PhaseDiagram.Width, 800), PngFile.Size(phase));
    }

    [Fact]
    public void Runs_limits_the_learning_curves_and_layer_figures_to_the_runs_named()
    {
        var folder = sweep.NewPath();
        var run = sweep.RunIds[2];
        var (code, stdout, stderr) = Plot(sweep.SweepDir, "--metric", "max_val_acc", "--runs", run, "--out", folder);
        Assert.True(code == 0, stderr);
        Assert.Equal(
            ["layers-" + run + ".png", "learning-curves.png", "phase-max_val_acc-lr-weight_decay.png"],
            Written(stdout, folder).Select(FileName).Order());
        Assert.Equal((LayerDynamics.Width, LayerDynamics.Height), PngFile.Size(Path.Combine(folder, $"layers-{run}.png")));
    }

    [Fact]
    public void A_one_axis_grid_gives_a_one_row_phase_diagram()
    {
        var oneAxis = sweep.DerivedSweep("oneaxis", "SELECT * EXCLUDE (weight_decay) FROM runs WHERE weight_decay = 0");
        var folder = sweep.NewPath();
        var (code, stdout, stderr) = Plot(oneAxis, "--metric", "grokking_gap", "--out", folder);
        Assert.True(code == 0, stderr);
        // The derived folder has no metrics: the figures that need them are left out with a note, not an error.
        Assert.Equal([Path.Combine(folder, "phase-grokking_gap-lr.png")], Written(stdout, folder));
        Assert.Contains("wrote no metrics", stderr);
        Assert.Equal((PhaseDiagram.Width, 450), PngFile.Size(Path.Combine(folder, "phase-grokking_gap-lr.png")));
    }

    [Fact]
    public void Plots_go_to_the_sweep_folder_by_default_and_grokking_run_writes_them_at_its_end()
    {
        var plots = Path.Combine(sweep.SweepDir, "plots");
        Assert.Contains($"plots: {plots}", sweep.RunOutput);
        Assert.Contains("phase-step_val_99-lr-weight_decay.png", Directory.GetFiles(plots).Select(FileName));
        var (code, stdout, stderr) = Plot(sweep.SweepDir, "--metric", "final_val_acc");
        Assert.True(code == 0, stderr);
        Assert.Contains(Path.Combine(plots, "phase-final_val_acc-lr-weight_decay.png"), stdout);
        Assert.Equal((PhaseDiagram.Width, 800), PngFile.Size(Path.Combine(plots, "phase-final_val_acc-lr-weight_decay.png")));
    }
}
