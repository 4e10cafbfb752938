using System.Diagnostics;
using System.Globalization;
using Grokking.Grains.Contracts;
using Grokking.Grains.Engine;
using Grokking.Grains.Specs;
using Grokking.Grains.Sweeps;
using Grokking.Grains.Tests.Metrics;
using Xunit.Abstractions;

namespace Grokking.Grains.Tests.Sweeps;

public sealed class RunsTableWriterTests(ITestOutputHelper output) : IDisposable
{
    private const string Spec = """
        name: table
        task: { kind: modular, operation: "x+y", modulus: 23 }
        model: { kind: mlp, depth: 2, width: 64 }
        grid:
          lr: [1e-3, 3e-3]
          depth: [1, 2]
          operation: ["x+y", "x-y"]
          ffn_bias: [false, true]
        """;

    // What the sweep grain passes: this build's versions, a cpu silo, the spec's hash.
    private static readonly RunLineage Lineage = RunLineage.Of(new EngineOptions { Accelerator = "cpu" }, SpecParser.Parse(Spec), Spec);

    private readonly TempOutputFolder _out = new();
    private readonly RunsTableWriter _writer = new();

    public void Dispose() => _out.Dispose();

    [Fact]
    public async Task The_table_has_the_fixed_columns_then_one_typed_column_per_axis_then_the_outcome_columns()
    {
        var sweep = SpecParser.Parse(Spec);

        await _writer.WriteAsync(_out.Path, sweep, sweep.Expand(), new Dictionary<string, RunRecord>(), Lineage, CancellationToken.None);

        (string, string)[] expected =
        [
            ("sweep_id", "VARCHAR"), ("run_id", "VARCHAR"), ("run_index", "INTEGER"), ("status", "VARCHAR"),
            ("attempts", "INTEGER"), ("failures", "INTEGER"),
            ("lr", "DOUBLE"), ("depth", "BIGINT"), ("operation", "VARCHAR"), ("ffn_bias", "BOOLEAN"),
            ("steps_trained", "BIGINT"), ("step_train_99", "BIGINT"), ("step_val_99", "BIGINT"), ("grokking_gap", "BIGINT"),
            ("step_train_threshold", "BIGINT"), ("step_val_threshold", "BIGINT"), ("step_val_loss_below", "BIGINT"),
            ("diverged_at", "BIGINT"), ("phase", "VARCHAR"),
            ("final_train_loss", "DOUBLE"), ("final_train_acc", "DOUBLE"), ("final_val_loss", "DOUBLE"),
            ("final_val_acc", "DOUBLE"), ("max_val_acc", "DOUBLE"), ("stopped_early", "BOOLEAN"), ("wall_time_s", "DOUBLE"),
            ("silo", "VARCHAR"), ("error", "VARCHAR"), ("note", "VARCHAR"),
        ];
        var columns = DuckDb.Describe(Source(sweep));
        Assert.Equal(expected, columns.Take(expected.Length));
        // Then every other resolved setting, typed, each once: no grid axis repeated.
        var settings = columns.Skip(expected.Length).ToList();
        Assert.Contains(("seed", "BIGINT"), settings);
        Assert.Contains(("norm", "VARCHAR"), settings);
        Assert.Contains(("weight_decay", "DOUBLE"), settings);
        Assert.Contains(("embedding_lr", "DOUBLE"), settings);
        Assert.Contains(("preset", "VARCHAR"), settings);
        Assert.DoesNotContain(settings, c => c.Name is "lr" or "depth" or "operation" or "ffn_bias");
        Assert.Equal(columns.Count, columns.Select(c => c.Name).Distinct().Count());
    }

    [Fact]
    public async Task A_preset_s_resolved_settings_are_on_record_for_every_run()
    {
        var sweep = SpecParser.Parse("""
            name: preset-record
            task: { kind: modular, operation: "x/y", modulus: 7, layout: power }
            model: { preset: power, depth: 1 }
            training: { batch_size: power }
            grid:
              lr: [1e-3, 3e-3]
            """);

        await _writer.WriteAsync(_out.Path, sweep, sweep.Expand(), new Dictionary<string, RunRecord>(), Lineage, CancellationToken.None);

        var rows = DuckDb.Rows($"SELECT preset, norm, position, attention_bias, ffn_bias, unembed_bias, init, depth, width, batch_size, embedding_lr FROM {Source(sweep)}");
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal(new object?[] { "power", "post", "sinusoidal", false, false, false, "torch", 1L, 128L, -1L, DBNull.Value }, r));
    }

    [Fact]
    public async Task Each_grid_point_is_one_row_with_its_values_in_typed_columns()
    {
        var sweep = SpecParser.Parse(Spec);
        var runs = sweep.Expand();

        await _writer.WriteAsync(_out.Path, sweep, runs, new Dictionary<string, RunRecord>(), Lineage, CancellationToken.None);

        var rows = DuckDb.Rows($"SELECT sweep_id, run_index, run_id, lr, depth, operation, ffn_bias FROM {Source(sweep)} ORDER BY run_index");
        Assert.Equal(16, rows.Count);
        for (int i = 0; i < runs.Count; i++)
        {
            var values = runs[i].Parameters.Select(p => p.Value).ToArray();
            object[] expected = ["table", runs[i].Index, runs[i].RunId, .. values];
            Assert.Equal(expected, rows[i]);
        }
        // Spot-check the last axis varies fastest, as the expansion orders runs.
        Assert.Equal(new object[] { 0.001, 1L, "x+y", true }, rows[1][3..]);
    }

    [Fact]
    public async Task Runs_without_an_outcome_have_null_outcome_columns_and_runs_without_a_record_are_pending()
    {
        var sweep = SpecParser.Parse(Spec);
        var runs = sweep.Expand();
        var records = new Dictionary<string, RunRecord>
        {
            [runs[1].RunId] = new() { RunId = runs[1].RunId, Index = 1, Status = RunStatus.Running, Attempts = 1, Step = 420, Silo = "silo-a" },
        };

        await _writer.WriteAsync(_out.Path, sweep, runs, records, Lineage, CancellationToken.None);

        var pending = RowOf(sweep, 0);
        Assert.Equal("pending", pending["status"]);
        Assert.Equal(0, pending["attempts"]);
        Assert.Equal(0L, pending["steps_trained"]);
        var running = RowOf(sweep, 1);
        Assert.Equal("running", running["status"]);
        Assert.Equal(1, running["attempts"]);
        Assert.Equal(420L, running["steps_trained"]);
        Assert.Equal("silo-a", running["silo"]);
        foreach (var row in new[] { pending, running })
            foreach (var column in OutcomeColumnsThatAreNullUntilDone)
                Assert.True(row[column] is DBNull, $"{column} of run {row["run_index"]} is {row[column]}, expected NULL");
        Assert.IsType<DBNull>(pending["silo"]);
    }

    [Fact]
    public async Task A_finished_run_has_its_outcome_values()
    {
        var sweep = SpecParser.Parse(Spec);
        var runs = sweep.Expand();
        var outcome = new RunOutcomeSummary
        {
            StepsTrained = 3000, StepTrain99 = 120, StepVal99 = 1620, StepTrainThreshold = 100, StepValThreshold = 1500,
            Phase = "grokking", FinalTrainLoss = 0.001, FinalTrainAcc = 1.0, FinalValLoss = 0.02, FinalValAcc = 0.995,
            MaxValAcc = 0.997, StoppedEarly = true, WallTimeS = 12.5,
        };
        var records = new Dictionary<string, RunRecord>
        {
            [runs[5].RunId] = new()
            {
                RunId = runs[5].RunId, Index = 5, Status = RunStatus.Done, Attempts = 2, Failures = 1, Step = 3000,
                Silo = "silo-b", Error = "CUDA out of memory", Note = "restarted from step 0", Outcome = outcome,
            },
        };

        await _writer.WriteAsync(_out.Path, sweep, runs, records, Lineage, CancellationToken.None);

        var done = RowOf(sweep, 5);
        var expected = new Dictionary<string, object>
        {
            ["status"] = "done", ["attempts"] = 2, ["failures"] = 1,
            ["steps_trained"] = 3000L, ["step_train_99"] = 120L, ["step_val_99"] = 1620L, ["grokking_gap"] = 1500L,
            ["step_train_threshold"] = 100L, ["step_val_threshold"] = 1500L, ["phase"] = "grokking",
            ["final_train_loss"] = 0.001, ["final_train_acc"] = 1.0, ["final_val_loss"] = 0.02, ["final_val_acc"] = 0.995,
            ["max_val_acc"] = 0.997, ["stopped_early"] = true, ["wall_time_s"] = 12.5,
            ["silo"] = "silo-b", ["error"] = "CUDA out of memory", ["note"] = "restarted from step 0",
        };
        foreach (var (column, value) in expected)
            Assert.True(Equals(value, done[column]), $"{column} is {done[column]}, expected {value}");
    }

    [Fact]
    public async Task A_run_that_never_generalised_has_a_null_grokking_gap()
    {
        var sweep = SpecParser.Parse(Spec);
        var runs = sweep.Expand();
        var records = new Dictionary<string, RunRecord>
        {
            [runs[0].RunId] = new()
            {
                RunId = runs[0].RunId, Status = RunStatus.Done, Attempts = 1,
                Outcome = new RunOutcomeSummary { StepsTrained = 3000, StepTrain99 = 120, Phase = "memorization" },
            },
        };

        await _writer.WriteAsync(_out.Path, sweep, runs, records, Lineage, CancellationToken.None);

        var row = RowOf(sweep, 0);
        Assert.Equal(120L, row["step_train_99"]);
        Assert.IsType<DBNull>(row["step_val_99"]);
        Assert.IsType<DBNull>(row["grokking_gap"]);
        Assert.Equal("memorization", row["phase"]);
    }

    [Fact]
    public async Task Every_status_is_written_in_lower_case()
    {
        var sweep = SpecParser.Parse(Spec);
        var runs = sweep.Expand();
        var statuses = Enum.GetValues<RunStatus>();
        var records = statuses.Select((s, i) => new RunRecord { RunId = runs[i].RunId, Status = s })
            .ToDictionary(r => r.RunId);

        await _writer.WriteAsync(_out.Path, sweep, runs, records, Lineage, CancellationToken.None);

        var written = DuckDb.Rows($"SELECT status FROM {Source(sweep)} WHERE run_index < {statuses.Length} ORDER BY run_index")
            .Select(r => (string)r[0]);
        Assert.Equal(new[] { "pending", "running", "done", "failed", "cancelled" }, written);
    }

    [Fact]
    public async Task A_rewrite_replaces_the_table_and_leaves_no_temp_file()
    {
        var sweep = SpecParser.Parse(Spec);
        var runs = sweep.Expand();
        await _writer.WriteAsync(_out.Path, sweep, runs, new Dictionary<string, RunRecord>(), Lineage, CancellationToken.None);
        var records = runs.ToDictionary(r => r.RunId, r => new RunRecord { RunId = r.RunId, Status = RunStatus.Running, Attempts = 1 });

        await _writer.WriteAsync(_out.Path, sweep, runs, records, Lineage, CancellationToken.None);

        Assert.Equal(16L, DuckDb.Scalar<long>($"SELECT count(*) FROM {Source(sweep)} WHERE status = 'running'"));
        Assert.Equal([RunsTableWriter.PathOf(_out.Path, "table")], Directory.GetFiles(Path.Combine(_out.Path, "sweep=table")));
    }

    [Fact]
    public async Task A_write_that_fails_part_way_leaves_the_previous_table_whole()
    {
        var sweep = SpecParser.Parse(Spec);
        var runs = sweep.Expand();
        await _writer.WriteAsync(_out.Path, sweep, runs, new Dictionary<string, RunRecord>(), Lineage, CancellationToken.None);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var records = runs.ToDictionary(r => r.RunId, r => new RunRecord { RunId = r.RunId, Status = RunStatus.Done });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _writer.WriteAsync(_out.Path, sweep, runs, records, Lineage, cancelled.Token));

        Assert.Equal(16L, DuckDb.Scalar<long>($"SELECT count(*) FROM {Source(sweep)} WHERE status = 'pending'"));
        Assert.Equal([RunsTableWriter.PathOf(_out.Path, "table")], Directory.GetFiles(Path.Combine(_out.Path, "sweep=table")));
    }

    [Fact]
    public async Task The_table_lives_beside_the_metric_datasets_and_carries_the_sweep_as_a_hive_partition()
    {
        var sweep = SpecParser.Parse(Spec);

        await _writer.WriteAsync(_out.Path, sweep, sweep.Expand(), new Dictionary<string, RunRecord>(), Lineage, CancellationToken.None);

        Assert.Equal(Path.Combine(_out.Path, "sweep=table", "runs.parquet"), RunsTableWriter.PathOf(_out.Path, "table"));
        Assert.Equal(16L, DuckDb.Scalar<long>(
            $"SELECT count(*) FROM read_parquet('{_out.Path}/sweep=*/runs.parquet', hive_partitioning = true) WHERE sweep = 'table'"));
    }

    [Fact]
    public async Task An_axis_mixing_value_types_is_refused_with_its_name()
    {
        var sweep = SpecParser.Parse(Spec);
        var mixed = sweep with { Axes = [new GridAxis("optimizer.lr", "lr", [0.1, 2L], Line: 5)] };

        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => _writer.WriteAsync(_out.Path, mixed, [], new Dictionary<string, RunRecord>(), Lineage, CancellationToken.None));

        Assert.Contains("lr", error.Message);
        Assert.False(File.Exists(RunsTableWriter.PathOf(_out.Path, "table")));
    }

    [Fact]
    public async Task An_axis_named_like_a_fixed_column_is_refused()
    {
        var sweep = SpecParser.Parse(Spec);
        var clashing = sweep with { Axes = [new GridAxis("custom.status", "status", ["a"], Line: 5)] };

        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => _writer.WriteAsync(_out.Path, clashing, [], new Dictionary<string, RunRecord>(), Lineage, CancellationToken.None));

        Assert.Contains("'status'", error.Message);
    }

    [Fact]
    public async Task A_sweep_without_runs_writes_an_empty_table_with_its_columns()
    {
        var sweep = SpecParser.Parse(Spec);

        await _writer.WriteAsync(_out.Path, sweep, [], new Dictionary<string, RunRecord>(), Lineage, CancellationToken.None);

        Assert.Equal(0L, DuckDb.Scalar<long>($"SELECT count(*) FROM {Source(sweep)}"));
        Assert.Contains(("ffn_bias", "BOOLEAN"), DuckDb.Describe(Source(sweep)));
    }

    [Fact]
    public async Task Ten_thousand_runs_are_written_and_read_back()
    {
        var lrs = string.Join(", ", Enumerable.Range(1, 100).Select(i => (i * 1e-4).ToString("R", CultureInfo.InvariantCulture)));
        var seeds = string.Join(", ", Enumerable.Range(0, 100));
        var sweep = SpecParser.Parse($$"""
            name: big
            task: { kind: modular, operation: "x+y", modulus: 23 }
            model: { kind: mlp, depth: 2, width: 64 }
            grid:
              lr: [{{lrs}}]
              seed: [{{seeds}}]
            """);
        var runs = sweep.Expand();
        var outcome = new RunOutcomeSummary { StepsTrained = 3000, StepTrain99 = 100, StepVal99 = 900, Phase = "grokking" };
        var records = runs.Where(r => r.Index % 2 == 0)
            .ToDictionary(r => r.RunId, r => new RunRecord { RunId = r.RunId, Status = RunStatus.Done, Attempts = 1, Outcome = outcome });
        // Once untimed, so the timed write measures the steady state a sweep grain sees, not JIT.
        await _writer.WriteAsync(_out.Path, sweep, runs, records, Lineage, CancellationToken.None);

        var stopwatch = Stopwatch.StartNew();
        await _writer.WriteAsync(_out.Path, sweep, runs, records, Lineage, CancellationToken.None);
        stopwatch.Stop();

        output.WriteLine($"runs.parquet with {runs.Count} rows written in {stopwatch.Elapsed.TotalMilliseconds:F1} ms "
            + $"({new FileInfo(RunsTableWriter.PathOf(_out.Path, "big")).Length} bytes)");
        Assert.Equal(10_000L, DuckDb.Scalar<long>($"SELECT count(*) FROM {Source(sweep)}"));
        Assert.Equal(5_000L, DuckDb.Scalar<long>($"SELECT count(grokking_gap) FROM {Source(sweep)}"));
    }

    private static readonly string[] OutcomeColumnsThatAreNullUntilDone =
    [
        "step_train_99", "step_val_99", "grokking_gap", "step_train_threshold", "step_val_threshold", "phase",
        "final_train_loss", "final_train_acc", "final_val_loss", "final_val_acc", "max_val_acc", "stopped_early", "wall_time_s",
        "error", "note",
    ];

    // Without hive partitioning: DuckDB would otherwise add a sweep column from the folder name.
    private string Source(SweepSpec sweep) =>
        $"read_parquet('{RunsTableWriter.PathOf(_out.Path, sweep.Name)}', hive_partitioning = false)";

    private Dictionary<string, object> RowOf(SweepSpec sweep, int runIndex)
    {
        var columns = DuckDb.Describe(Source(sweep)).Select(c => c.Name).ToList();
        var row = DuckDb.Rows($"SELECT * FROM {Source(sweep)} WHERE run_index = {runIndex}").Single();
        return columns.Select((c, i) => (c, row[i])).ToDictionary(p => p.c, p => p.Item2);
    }
}
