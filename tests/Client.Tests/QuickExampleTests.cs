namespace Grokking.Client.Tests;

/// <summary>Trains both grid points of examples/quick.yaml once, with the real CLI, for the tests below.</summary>
public sealed class QuickExampleFixture : IDisposable
{
    private readonly TempFolder _out = new();

    public QuickExampleFixture()
    {
        // The promise: each run of the quick example finishes on a 2-core machine in under three minutes.
        // One torch thread, as `grokking run` gives each of its two slots: the other test assemblies run at the same
        // time, and torch's spinning worker threads slow down many times over on an oversubscribed CPU.
        foreach (var run in new[] { "0", "1" })
        {
            var (code, stdout, stderr) = Cli.Run(TimeSpan.FromMinutes(3), "train", Cli.Example("quick.yaml"), "--run", run,
                "--out", _out.Path, "--torch-threads", "1");
            Outputs.Add(stdout);
            if (code != 0) throw new InvalidOperationException($"grokking train --run {run} exited {code}: {stderr}\n{stdout}");
        }
    }

    public string OutDir => _out.Path;

    public List<string> Outputs { get; } = [];

    public void Dispose() => _out.Dispose();
}

public sealed class QuickExampleTests(QuickExampleFixture quick) : IClassFixture<QuickExampleFixture>
{
    private string Metrics => DuckDb.Metrics(quick.OutDir);

    [Fact]
    public void With_weight_decay_validation_accuracy_reaches_99_percent_long_after_train_accuracy()
    {
        var (train99, val99) = FirstSteps99(weightDecayRun: 0);
        Assert.NotNull(train99);
        Assert.NotNull(val99);
        Assert.True(val99 - train99 >= 500, $"expected a grokking gap of at least 500 steps, got train {train99}, val {val99}");
        Assert.Matches("phase[^\n]*grokking", quick.Outputs[0]);
    }

    [Fact]
    public void Without_weight_decay_the_same_run_memorises_and_never_generalises()
    {
        var (train99, val99) = FirstSteps99(weightDecayRun: 1);
        Assert.NotNull(train99);
        Assert.Null(val99);
        var maxVal = Convert.ToDouble(DuckDb.Rows($"SELECT max(val_acc) FROM {Metrics} WHERE run_id = '{RunId(1)}'").Single()[0]);
        Assert.True(maxVal < 0.2, $"max validation accuracy {maxVal}");
        Assert.Matches("phase[^\n]*memorization", quick.Outputs[1]);
    }

    [Fact]
    public void Metrics_have_one_row_per_step_without_gaps_for_each_run()
    {
        var rows = DuckDb.Rows($"SELECT run_id, count(*), count(DISTINCT step), min(step), max(step) FROM {Metrics} GROUP BY run_id");
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal([3000L, 3000L, 1L, 3000L], r.Skip(1).Select(Convert.ToInt64)));
    }

    [Fact]
    public void Metrics_and_layers_have_the_documented_columns()
    {
        string[] metrics = ["sweep_id", "run_id", "step", "train_loss", "train_acc", "lr", "wall_time_s", "eval_train_loss",
            "eval_train_acc", "val_loss", "val_acc", "weight_norm", "rqi", "run", "sweep"];
        Assert.Equal(metrics, Columns(Metrics));
        string[] layers = ["sweep_id", "run_id", "step", "layer", "layer_name", "feature_rank", "weight_norm", "run", "sweep"];
        Assert.Equal(layers, Columns(DuckDb.Layers(quick.OutDir)));
        // Evaluations every 50 steps (and at step 1); NULL in between.
        var evaluated = DuckDb.Rows($"SELECT count(val_acc), count(*) - count(val_acc) FROM {Metrics}").Single();
        Assert.Equal([2L * 61, 2L * (3000 - 61)], evaluated.Select(Convert.ToInt64));
        var layerRows = DuckDb.Rows($"SELECT DISTINCT step FROM {DuckDb.Layers(quick.OutDir)} ORDER BY step").Select(r => Convert.ToInt64(r[0]));
        Assert.Equal([1L, 500, 1000, 1500, 2000, 2500, 3000], layerRows);
    }

    private static List<string> Columns(string source) =>
        DuckDb.Rows($"DESCRIBE SELECT * FROM {source}").Select(r => (string)r[0]).ToList();

    private string RunId(int index) =>
        (string)DuckDb.Rows($"SELECT DISTINCT run_id FROM {Metrics} ORDER BY run_id").Select(r => r[0]).ToList()
            .Single(id => quick.Outputs[index].Contains((string)id));

    private (long? Train99, long? Val99) FirstSteps99(int weightDecayRun)
    {
        var row = DuckDb.Rows(
            $"SELECT min(step) FILTER (WHERE eval_train_acc >= 0.99), min(step) FILTER (WHERE val_acc >= 0.99) FROM {Metrics} WHERE run_id = '{RunId(weightDecayRun)}'").Single();
        return (row[0] is DBNull ? null : Convert.ToInt64(row[0]), row[1] is DBNull ? null : Convert.ToInt64(row[1]));
    }
}
