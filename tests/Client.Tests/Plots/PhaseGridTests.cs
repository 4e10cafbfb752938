using Grokking.Client.Plots;

namespace Grokking.Client.Tests.Plots;

public sealed class PhaseGridTests : IDisposable
{
    private readonly TempFolder _work = new();

    /// <summary>lr × seed: at 1e-3 two of three seeds generalise, at 1e-2 one does, at 1e-1 every run failed.</summary>
    private SweepResults Sweep()
    {
        var folder = Path.Combine(_work.Path, "sweep=seeds");
        Directory.CreateDirectory(folder);
        DuckDb.Rows($"""
            COPY (SELECT 'seeds' AS sweep_id, 'r' || i AS run_id, i::INTEGER AS run_index, status, 0 AS failures, lr, seed,
                         400::BIGINT AS steps_trained, 50::BIGINT AS step_train_99, step_val_99::BIGINT AS step_val_99,
                         (step_val_99 - 50)::BIGINT AS grokking_gap, phase, 0.5 AS final_val_acc, 0.5 AS max_val_acc
                  FROM (VALUES (0, 'done', 1e-3, 0, 100, 'grokking'), (1, 'done', 1e-3, 1, 300, 'grokking'),
                               (2, 'done', 1e-3, 2, NULL, 'memorization'),
                               (3, 'done', 1e-2, 0, 200, 'comprehension'), (4, 'done', 1e-2, 1, NULL, 'memorization'),
                               (5, 'done', 1e-2, 2, NULL, 'memorization'),
                               (6, 'failed', 1e-1, 0, NULL, NULL), (7, 'failed', 1e-1, 1, NULL, NULL), (8, 'failed', 1e-1, 2, NULL, NULL))
                       AS t(i, status, lr, seed, step_val_99, phase))
            TO '{Path.Combine(folder, "runs.parquet")}' (FORMAT parquet)
            """);
        return SweepResults.Load(folder);
    }

    [Fact]
    public void Steps_are_reduced_by_the_median_with_never_counting_as_later_than_any_step()
    {
        using var sweep = Sweep();
        var grid = PhaseGrid.Build(sweep, sweep.Axes[0], null, PhaseMetric.StepVal99);
        Assert.Equal(["seed"], grid.Aggregated.Select(a => a.Name));
        Assert.Equal((1, 3), (grid.Rows, grid.Columns));
        Assert.Equal(300, grid[0, 0].Value);
        Assert.True(grid[1, 0].IsNever);
        Assert.True(grid[2, 0].IsEmpty); // failed runs say nothing about when 99% would have come
    }

    [Fact]
    public void Phase_is_reduced_to_the_most_common_one()
    {
        using var sweep = Sweep();
        var grid = PhaseGrid.Build(sweep, sweep.Axes[0], null, PhaseMetric.Phase);
        Assert.Equal(["grokking", "memorization", null], Enumerable.Range(0, 3).Select(c => grid[c, 0].Phase));
        Assert.True(grid[2, 0].IsEmpty);
    }

    public void Dispose() => _work.Dispose();
}
