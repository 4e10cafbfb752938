using Grokking.Grains.Metrics;
using Grokking.Grains.Storage;

namespace Grokking.Grains.Tests.Metrics;

public sealed class MetricSegmentDiscardTests : IDisposable
{
    private const string Sweep = "lr-wd-grid";
    private const string Run = "run-a1b2c3";

    // The writing attempt's token; no other attempt claims these runs.
    private const long Fence = 1;

    private readonly TempOutputFolder _out = new();
    private readonly MetricSegmentWriter _writer = new();

    public void Dispose() => _out.Dispose();

    [Fact]
    public async Task DiscardAfter_removes_segments_starting_after_the_checkpoint_and_temp_files_only()
    {
        foreach (var first in new long[] { 1, 101, 201, 301 })
            await _writer.WriteAsync(_out.Path, Sweep, Run, Fence, SampleMetrics.Steps(first, 100), SampleMetrics.Layers(first, 100), CancellationToken.None);
        await _writer.WriteAsync(_out.Path, Sweep, "other-run", Fence, SampleMetrics.Steps(301, 100), [], CancellationToken.None);
        var metrics = OutputLayout.MetricsFolder(_out.Path, Sweep, Run);
        var layers = OutputLayout.LayersFolder(_out.Path, Sweep, Run);
        File.WriteAllText(Path.Combine(metrics, OutputLayout.TempFileName(OutputLayout.SegmentFileName(401))), "torn write");
        File.WriteAllText(Path.Combine(layers, OutputLayout.TempFileName(OutputLayout.SegmentFileName(1))), "torn write");
        File.WriteAllText(Path.Combine(metrics, "notes.txt"), "not ours");

        // Resume from the checkpoint at step 200: segments (0,100] and (100,200] are covered by it.
        int removed = _writer.DiscardAfter(_out.Path, Sweep, Run, Fence, checkpointStep: 200);

        Assert.Equal(6, removed);
        Assert.Equal(["notes.txt", "part-0000000001.parquet", "part-0000000101.parquet"], FileNames(metrics));
        Assert.Equal(["part-0000000001.parquet", "part-0000000101.parquet"], FileNames(layers));
        Assert.Equal(["part-0000000301.parquet"], FileNames(OutputLayout.MetricsFolder(_out.Path, Sweep, "other-run")));
        Assert.Equal(200L, DuckDb.Scalar<long>($"SELECT max(step) FROM {DuckDb.Metrics(_out.Path)} WHERE run_id = '{Run}'"));
    }

    [Fact]
    public async Task DiscardAfter_keeps_a_segment_starting_at_the_checkpoint_step_and_discards_one_starting_just_after()
    {
        await _writer.WriteAsync(_out.Path, Sweep, Run, Fence, SampleMetrics.Steps(1, 99), [], CancellationToken.None);
        await _writer.WriteAsync(_out.Path, Sweep, Run, Fence, SampleMetrics.Steps(100, 1), [], CancellationToken.None);
        await _writer.WriteAsync(_out.Path, Sweep, Run, Fence, SampleMetrics.Steps(101, 100), [], CancellationToken.None);

        // Step 100 is covered by the checkpoint at 100; step 101 onwards will be recomputed.
        _writer.DiscardAfter(_out.Path, Sweep, Run, Fence, checkpointStep: 100);

        Assert.Equal(["part-0000000001.parquet", "part-0000000100.parquet"], FileNames(OutputLayout.MetricsFolder(_out.Path, Sweep, Run)));
    }

    [Fact]
    public void DiscardAfter_on_a_run_that_never_wrote_removes_nothing()
    {
        Assert.Equal(0, _writer.DiscardAfter(_out.Path, Sweep, Run, Fence, checkpointStep: -1));
    }

    private static string[] FileNames(string folder) =>
        Directory.GetFiles(folder).Select(p => Path.GetFileName(p)!).Order(StringComparer.Ordinal).ToArray();
}
