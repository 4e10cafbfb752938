using Grokking.Client.Plots;

namespace Grokking.Client.Tests.Plots;

/// <summary>A boundary search's runs drawn one cell per point, from runs.parquet's search_level and cell columns.</summary>
public sealed class RefinedPhaseGridTests : IDisposable
{
    private readonly TempFolder _work = new();

    // A 2 x 2 coarse grid over lr (log) and weight decay; its cell at lr=1e-3, wd=0 was refined once, with two seeds
    // at the fine centre point that disagree (the most common phase, ties to the earlier one, wins).
    private SweepResults Sweep()
    {
        var folder = Path.Combine(_work.Path, "sweep=refined");
        Directory.CreateDirectory(folder);
        DuckDb.Rows($"""
            COPY (SELECT 'refined' AS sweep_id, 'r' || i AS run_id, i::INTEGER AS run_index, 'done' AS status, 0 AS failures,
                         lr, weight_decay, seed, 400::BIGINT AS steps_trained, 50::BIGINT AS step_train_99, 300::BIGINT AS step_val_99,
                         250::BIGINT AS grokking_gap, phase, 0.5 AS final_val_acc, 0.5 AS max_val_acc,
                         level::INTEGER AS search_level, lr_lo AS cell_lr_lo, lr_hi AS cell_lr_hi,
                         wd_lo AS cell_weight_decay_lo, wd_hi AS cell_weight_decay_hi
                  FROM (VALUES
                    (0, 1e-3, 0.0, 1, 'memorization', 0, 1e-3, 1e-2, 0.0, 1.0),
                    (1, 1e-3, 2.0, 1, 'grokking',     0, 1e-3, 1e-2, 1.0, 2.0),
                    (2, 1e-1, 0.0, 1, 'grokking',     0, 1e-2, 1e-1, 0.0, 1.0),
                    (3, 1e-1, 2.0, 1, 'grokking',     0, 1e-2, 1e-1, 1.0, 2.0),
                    (4, 1e-2, 1.0, 1, 'grokking',     1, 3.1622776601683794e-3, 3.1622776601683794e-2, 0.5, 1.5),
                    (5, 1e-2, 1.0, 2, 'memorization', 1, 3.1622776601683794e-3, 3.1622776601683794e-2, 0.5, 1.5))
                  AS t(i, lr, weight_decay, seed, phase, level, lr_lo, lr_hi, wd_lo, wd_hi))
            TO '{Path.Combine(folder, "runs.parquet")}' (FORMAT parquet)
            """);
        return SweepResults.Load(folder);
    }

    [Fact]
    public void Each_point_is_one_rectangle_on_the_axes_scale_coarse_cells_first()
    {
        using var sweep = Sweep();
        var (lr, wd) = (sweep.Axes.Single(a => a.Name == "lr"), sweep.Axes.Single(a => a.Name == "weight_decay"));
        Assert.True(RefinedPhaseGrid.Applies(sweep, lr, wd));
        Assert.False(RefinedPhaseGrid.Applies(sweep, lr, null));

        var grid = RefinedPhaseGrid.Build(sweep, lr, wd, PhaseMetric.Phase);
        Assert.True(grid.XLog);
        Assert.False(grid.YLog);
        Assert.Equal(5, grid.Cells.Count);
        Assert.Equal([0, 0, 0, 0, 1], grid.Cells.Select(c => c.Level));
        var fine = grid.Cells[^1];
        Assert.Equal((-2.0, 1.0), (fine.X, fine.Y));
        Assert.Equal(Math.Log10(3.1622776601683794e-3), fine.X0, 12);
        Assert.Equal(Math.Log10(3.1622776601683794e-2), fine.X1, 12);
        Assert.Equal((0.5, 1.5), (fine.Y0, fine.Y1));
        // One seed groks, the other memorises: the tie goes to the phase listed first.
        Assert.Equal("grokking", fine.Value.Phase);
        Assert.Equal(2, fine.Value.Runs);

        var png = Path.Combine(_work.Path, "refined.png");
        PhaseDiagram.SaveRefined(grid, sweep.Name, png);
        Assert.Equal((PhaseDiagram.Width, 800), PngFile.Size(png));
    }

    [Fact]
    public void A_grid_sweep_without_search_columns_keeps_the_uniform_diagram()
    {
        var folder = Path.Combine(_work.Path, "sweep=plain");
        Directory.CreateDirectory(folder);
        DuckDb.Rows($"""
            COPY (SELECT 'plain' AS sweep_id, 'r' || i AS run_id, i::INTEGER AS run_index, 'done' AS status, 0 AS failures, lr, weight_decay,
                         400::BIGINT AS steps_trained, 50::BIGINT AS step_train_99, 300::BIGINT AS step_val_99,
                         250::BIGINT AS grokking_gap, 'grokking' AS phase, 0.5 AS final_val_acc, 0.5 AS max_val_acc
                  FROM (VALUES (0, 1e-3, 0.0), (1, 1e-2, 1.0)) AS t(i, lr, weight_decay))
            TO '{Path.Combine(folder, "runs.parquet")}' (FORMAT parquet)
            """);
        using var sweep = SweepResults.Load(folder);
        Assert.False(RefinedPhaseGrid.Applies(sweep, sweep.Axes[0], sweep.Axes[1]));
    }

    public void Dispose() => _work.Dispose();
}
