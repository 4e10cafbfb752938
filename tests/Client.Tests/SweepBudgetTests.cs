namespace Grokking.Client.Tests;

/// <summary>The sweep-level stopping rules of <c>budget:</c>: a sweep stops when its budget is spent, keeping what finished.</summary>
public sealed class SweepBudgetTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string Spec(string name, int stepMs, string budget) => $$"""
        name: {{name}}
        task: { kind: noop, step_ms: {{stepMs}} }
        training: { steps: 200, eval_every: 10, checkpoint_every: 20, rank_every: 0 }
        grid:
          lr: [1e-3, 2e-3, 3e-3]
          seed: [0, 1]
        budget: {{budget}}
        """;

    [Fact]
    public void A_run_budget_starts_only_that_many_runs_of_the_grid()
    {
        var (outDir, stdout) = Cli.RunSweep(_folder.Path, "run-budget", Spec("run-budget", 0, "{ runs: 4 }"));
        var rows = DuckDb.Rows($"SELECT run_index, status FROM read_parquet('{Path.Combine(outDir, "sweep=run-budget", "runs.parquet")}') ORDER BY run_index");
        Assert.Equal([0, 1, 2, 3], rows.Select(r => Convert.ToInt32(r[0])));
        Assert.All(rows, r => Assert.Equal("done", r[1]));
        Assert.Contains("4 done, 0 failed, 0 cancelled, 0 unfinished of 4", stdout);
    }

    [Fact]
    public void A_time_budget_cancels_what_runs_keeps_what_finished_and_says_why()
    {
        // Each run takes about 2 s (200 steps of 10 ms); the budget is spent after about 3.6 s, mid-sweep.
        var (outDir, stdout) = Cli.RunSweep(_folder.Path, "time-budget", Spec("time-budget", 10, "{ hours: 0.001 }"));
        Assert.Contains("stopped early: budget of 0.001 hours spent", stdout);
        var table = Path.Combine(outDir, "sweep=time-budget", "runs.parquet");
        var rows = DuckDb.Rows($"SELECT run_id, status, steps_trained, note FROM read_parquet('{table}') ORDER BY run_index");
        Assert.Equal(6, rows.Count);
        Assert.Contains(rows, r => (string)r[1] == "done");
        var cancelled = rows.Where(r => (string)r[1] == "cancelled").ToList();
        Assert.NotEmpty(cancelled);
        // Runs never started say why; a run cancelled mid-way keeps its rows up to the step it stopped at, each once.
        Assert.Contains(cancelled, r => r[3] is string note && note.Contains("budget of 0.001 hours spent"));
        foreach (var run in cancelled.Where(r => r[2] is long trained && trained > 0))
        {
            var coverage = DuckDb.Rows($"SELECT count(*), count(DISTINCT step), max(step) FROM {DuckDb.Metrics(outDir)} WHERE run_id = '{run[0]}'").Single();
            Assert.Equal(Convert.ToInt64(coverage[0]), Convert.ToInt64(coverage[1]));
            Assert.True(Convert.ToInt64(coverage[2]) < 200);
        }
    }
}
