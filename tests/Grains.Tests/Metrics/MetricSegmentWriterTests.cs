using Grokking.Grains.Metrics;
using Grokking.Grains.Storage;
using Grokking.Training.Metrics;

namespace Grokking.Grains.Tests.Metrics;

public sealed class MetricSegmentWriterTests : IDisposable
{
    private const string Sweep = "lr-wd-grid";
    private const string Run = "run-a1b2c3";

    // The writing attempt's token; no other attempt claims these runs.
    private const long Fence = 1;

    private readonly TempOutputFolder _out = new();
    private readonly MetricSegmentWriter _writer = new();

    public void Dispose() => _out.Dispose();

    [Fact]
    public async Task Metrics_segment_has_the_documented_columns_in_order_then_the_hive_partitions()
    {
        await _writer.WriteAsync(_out.Path, Sweep, Run, Fence, SampleMetrics.Steps(1, 20), [], CancellationToken.None);

        var columns = DuckDb.Describe(DuckDb.Metrics(_out.Path));

        (string, string)[] expected =
        [
            ("sweep_id", "VARCHAR"), ("run_id", "VARCHAR"), ("step", "BIGINT"),
            ("train_loss", "DOUBLE"), ("train_acc", "DOUBLE"), ("lr", "DOUBLE"), ("wall_time_s", "DOUBLE"),
            ("eval_train_loss", "DOUBLE"), ("eval_train_acc", "DOUBLE"), ("val_loss", "DOUBLE"), ("val_acc", "DOUBLE"),
            ("weight_norm", "DOUBLE"), ("rqi", "DOUBLE"),
        ];
        // The file's own columns come first, in order; DuckDB appends the hive columns in an order of its choosing.
        Assert.Equal(expected, columns.Take(expected.Length));
        Assert.Equal(["run", "sweep"], columns.Skip(expected.Length).Select(c => c.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Metrics_segment_reads_back_bit_equal_with_nulls_where_not_measured()
    {
        var steps = SampleMetrics.Steps(1, 40);
        await _writer.WriteAsync(_out.Path, Sweep, Run, Fence, steps, [], CancellationToken.None);

        var rows = DuckDb.Rows(
            "SELECT step, train_loss, train_acc, lr, wall_time_s, eval_train_loss, eval_train_acc, val_loss, val_acc, "
            + $"weight_norm, rqi FROM {DuckDb.Metrics(_out.Path)} ORDER BY step");

        Assert.Equal(steps.Count, rows.Count);
        for (int i = 0; i < steps.Count; i++)
        {
            var s = steps[i];
            var r = rows[i];
            Assert.Equal(s.Step, (long)r[0]);
            double?[] expected = [s.TrainLoss, s.TrainAcc, s.Lr, s.WallTimeS, s.EvalTrainLoss, s.EvalTrainAcc, s.ValLoss, s.ValAcc, s.WeightNorm, s.Rqi];
            for (int c = 0; c < expected.Length; c++)
                Assert.Equal(Bits(expected[c]), Bits(r[c + 1] is DBNull ? null : (double)r[c + 1]));
        }
    }

    [Fact]
    public async Task Hive_partition_columns_match_the_sweep_id_and_run_id_columns()
    {
        await _writer.WriteAsync(_out.Path, Sweep, Run, Fence, SampleMetrics.Steps(1, 10), [], CancellationToken.None);
        await _writer.WriteAsync(_out.Path, "other-sweep", "run-ffee", Fence, SampleMetrics.Steps(1, 10), [], CancellationToken.None);

        var rows = DuckDb.Rows(
            $"SELECT DISTINCT sweep, sweep_id, run, run_id FROM {DuckDb.Metrics(_out.Path)} ORDER BY sweep");

        Assert.Equal([["lr-wd-grid", "lr-wd-grid", "run-a1b2c3", "run-a1b2c3"], ["other-sweep", "other-sweep", "run-ffee", "run-ffee"]],
            rows.Select(r => r.Cast<string>().ToArray()).ToArray());
    }

    [Fact]
    public async Task Consecutive_segments_of_two_runs_read_as_one_dataset_with_every_step_once()
    {
        foreach (var run in new[] { "run-1", "run-2" })
        {
            await _writer.WriteAsync(_out.Path, Sweep, run, Fence, SampleMetrics.Steps(1, 100), [], CancellationToken.None);
            await _writer.WriteAsync(_out.Path, Sweep, run, Fence, SampleMetrics.Steps(101, 100), [], CancellationToken.None);
            await _writer.WriteAsync(_out.Path, Sweep, run, Fence, SampleMetrics.Steps(201, 37), [], CancellationToken.None);
        }

        var perRun = DuckDb.Rows(
            "SELECT run_id, count(*), count(DISTINCT step), max(step) - min(step) + 1, min(step), max(step) "
            + $"FROM {DuckDb.Metrics(_out.Path)} GROUP BY run_id ORDER BY run_id");

        Assert.Equal(2, perRun.Count);
        foreach (var r in perRun)
        {
            Assert.Equal(237L, (long)r[1]);
            Assert.Equal(237L, (long)r[2]);
            Assert.Equal(237L, (long)r[3]);
            Assert.Equal((1L, 237L), ((long)r[4], (long)r[5]));
        }
    }

    [Fact]
    public async Task Layers_segment_has_the_documented_columns_and_values_and_is_named_by_the_segments_first_step()
    {
        var layers = SampleMetrics.Layers(1, 25);
        await _writer.WriteAsync(_out.Path, Sweep, Run, Fence, SampleMetrics.Steps(1, 25), layers, CancellationToken.None);

        var glob = DuckDb.Layers(_out.Path);
        (string, string)[] expectedColumns =
        [
            ("sweep_id", "VARCHAR"), ("run_id", "VARCHAR"), ("step", "BIGINT"), ("layer", "INTEGER"),
            ("layer_name", "VARCHAR"), ("feature_rank", "BIGINT"), ("weight_norm", "DOUBLE"),
        ];
        var columns = DuckDb.Describe(glob);
        Assert.Equal(expectedColumns, columns.Take(expectedColumns.Length));
        Assert.Equal(["run", "sweep"], columns.Skip(expectedColumns.Length).Select(c => c.Name).Order(StringComparer.Ordinal));

        var rows = DuckDb.Rows(
            $"SELECT sweep_id, run_id, step, layer, layer_name, feature_rank, weight_norm FROM {glob} ORDER BY step, layer");
        var expected = layers.Select(l => new object[] { Sweep, Run, l.Step, l.Layer, l.LayerName, l.FeatureRank, BitConverter.DoubleToInt64Bits(l.WeightNorm) });
        Assert.Equal(expected, rows.Select(r => new object[] { r[0], r[1], r[2], r[3], r[4], r[5], BitConverter.DoubleToInt64Bits((double)r[6]) }));

        // The first layer row is at step 10, but the file pairs with the metrics segment starting at 1.
        Assert.Equal(["part-0000000001.parquet"],
            Directory.GetFiles(OutputLayout.LayersFolder(_out.Path, Sweep, Run)).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Rewriting_a_segment_with_the_same_first_step_replaces_it()
    {
        await _writer.WriteAsync(_out.Path, Sweep, Run, Fence, SampleMetrics.Steps(1, 30, seed: 1), SampleMetrics.Layers(1, 30), CancellationToken.None);
        var retry = SampleMetrics.Steps(1, 30, seed: 2);
        await _writer.WriteAsync(_out.Path, Sweep, Run, Fence, retry, [], CancellationToken.None);

        var trainAcc = DuckDb.Rows($"SELECT train_acc FROM {DuckDb.Metrics(_out.Path)} ORDER BY step")
            .Select(r => (double)r[0]);
        Assert.Equal(retry.Select(s => s.TrainAcc), trainAcc);
        Assert.Empty(Directory.GetFiles(OutputLayout.LayersFolder(_out.Path, Sweep, Run)));
    }

    [Theory]
    [InlineData(new long[] { 1, 2, 4, 5 }, "step 2 (index 1) is followed by step 4 (index 2)")]
    [InlineData(new long[] { 7, 8, 8, 9 }, "step 8 (index 1) is followed by step 8 (index 2)")]
    [InlineData(new long[] { 3, 2, 1 }, "step 3 (index 0) is followed by step 2 (index 1)")]
    public async Task Non_contiguous_steps_are_refused_naming_the_steps_and_nothing_is_written(long[] stepNumbers, string expectedMessage)
    {
        var steps = stepNumbers.Select(s => new StepMetrics(s, 1, 1, 1, 1)).ToList();

        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => _writer.WriteAsync(_out.Path, Sweep, Run, Fence, steps, [], CancellationToken.None));

        Assert.Contains(expectedMessage, error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_out.Path));
    }

    [Fact]
    public async Task Layer_rows_outside_the_segments_steps_are_refused()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _writer.WriteAsync(
            _out.Path, Sweep, Run, Fence, SampleMetrics.Steps(1, 10), SampleMetrics.Layers(1, 20), CancellationToken.None));

        Assert.Contains("step 20, outside this segment's steps 1..10", error.Message);
    }

    [Fact]
    public async Task A_temp_file_left_by_a_crashed_write_is_invisible_to_parquet_globs()
    {
        await _writer.WriteAsync(_out.Path, Sweep, Run, Fence, SampleMetrics.Steps(1, 10), SampleMetrics.Layers(1, 10), CancellationToken.None);
        // A crash after the temp file was complete but before the rename: a valid Parquet file under a temp name.
        foreach (var folder in new[] { OutputLayout.MetricsFolder(_out.Path, Sweep, Run), OutputLayout.LayersFolder(_out.Path, Sweep, Run) })
            File.Copy(Path.Combine(folder, OutputLayout.SegmentFileName(1)),
                Path.Combine(folder, OutputLayout.TempFileName(OutputLayout.SegmentFileName(11))));

        Assert.Equal(10L, DuckDb.Scalar<long>($"SELECT count(*) FROM {DuckDb.Metrics(_out.Path)}"));
        Assert.Equal(2L, DuckDb.Scalar<long>($"SELECT count(*) FROM {DuckDb.Layers(_out.Path)}"));
    }

    [Fact]
    public async Task A_completed_write_leaves_no_temp_file()
    {
        await _writer.WriteAsync(_out.Path, Sweep, Run, Fence, SampleMetrics.Steps(1, 10), SampleMetrics.Layers(1, 10), CancellationToken.None);

        var files = new[] { OutputLayout.MetricsFolder(_out.Path, Sweep, Run), OutputLayout.LayersFolder(_out.Path, Sweep, Run) }
            .SelectMany(Directory.GetFiles).Select(Path.GetFileName);
        Assert.Equal(["part-0000000001.parquet", "part-0000000001.parquet"], files);
    }

    private static long? Bits(double? value) => value is { } v ? BitConverter.DoubleToInt64Bits(v) : null;
}
