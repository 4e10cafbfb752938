using Grokking.Grains.Checkpoints;
using Grokking.Grains.Fencing;
using Grokking.Grains.Metrics;
using Grokking.Grains.Storage;
using Grokking.Grains.Tests.Metrics;

namespace Grokking.Grains.Tests.Fencing;

/// <summary>The file half of "one writer per run attempt": segments, discards and file checkpoints under the run's fence.</summary>
public sealed class FileRunFenceTests : IDisposable
{
    private const string Sweep = "fence-grid";
    private const string Run = "run-0f0f";

    private readonly TempOutputFolder _out = new();
    private readonly MetricSegmentWriter _writer = new();

    private FileRunFence Fence => new(_out.Path);

    public void Dispose() => _out.Dispose();

    [Fact]
    public async Task A_segment_of_a_replaced_attempt_is_refused_at_the_rename_and_leaves_no_file()
    {
        await _writer.WriteAsync(_out.Path, Sweep, Run, 1, SampleMetrics.Steps(1, 100), SampleMetrics.Layers(1, 100), CancellationToken.None);
        await Fence.ClaimAsync(Sweep, Run, 2);

        var refused = await Assert.ThrowsAsync<FencedOutException>(() => _writer.WriteAsync(
            _out.Path, Sweep, Run, 1, SampleMetrics.Steps(101, 100), SampleMetrics.Layers(101, 100), CancellationToken.None));

        Assert.Equal((1L, 2L), (refused.Token, refused.Current));
        Assert.Contains("fence token 1 is stale; the run's current token is 2", refused.Message);
        Assert.Equal(["part-0000000001.parquet"], SegmentFiles(OutputLayout.MetricsFolder(_out.Path, Sweep, Run)));
        Assert.Equal(["part-0000000001.parquet"], SegmentFiles(OutputLayout.LayersFolder(_out.Path, Sweep, Run)));
        Assert.Equal(100L, DuckDb.Scalar<long>($"SELECT max(step) FROM {DuckDb.Metrics(_out.Path)}"));
    }

    [Fact]
    public async Task A_discard_by_a_replaced_attempt_deletes_nothing()
    {
        foreach (var first in new long[] { 1, 101 })
            await _writer.WriteAsync(_out.Path, Sweep, Run, 2, SampleMetrics.Steps(first, 100), [], CancellationToken.None);

        Assert.Throws<FencedOutException>(() => _writer.DiscardAfter(_out.Path, Sweep, Run, 1, checkpointStep: -1));

        Assert.Equal(["part-0000000001.parquet", "part-0000000101.parquet"], SegmentFiles(OutputLayout.MetricsFolder(_out.Path, Sweep, Run)));
    }

    [Fact]
    public async Task A_file_checkpoint_of_a_replaced_attempt_is_refused_and_the_newer_one_stays()
    {
        var store = new FileCheckpointStore(_out.Path);
        await store.SaveAsync(Sweep, Run, 2, [2, 2, 2]);

        await Assert.ThrowsAsync<FencedOutException>(() => store.SaveAsync(Sweep, Run, 1, [1, 1, 1]));

        Assert.Equal([2, 2, 2], await store.LoadAsync(Sweep, Run));
        Assert.Equal([store.PathOf(Sweep, Run)], Directory.GetFiles(Path.GetDirectoryName(store.PathOf(Sweep, Run))!));
    }

    [Fact]
    public async Task Tokens_only_go_up_and_claiming_the_current_one_again_is_harmless()
    {
        Assert.Equal(0, await Fence.CurrentAsync(Sweep, Run));
        await Fence.ClaimAsync(Sweep, Run, 3);
        await Fence.ClaimAsync(Sweep, Run, 3);

        var refused = await Assert.ThrowsAsync<FencedOutException>(() => Fence.ClaimAsync(Sweep, Run, 2));

        Assert.Equal(3, refused.Current);
        Assert.Equal(3, await Fence.CurrentAsync(Sweep, Run));
        Assert.Equal("3", File.ReadAllText(Fence.TokenPathOf(Sweep, Run)));
        Assert.Equal(0, await Fence.CurrentAsync(Sweep, "another-run"));
    }

    [Fact]
    public async Task A_claim_waits_for_a_rename_in_progress_so_none_slips_in_after_it()
    {
        using var renaming = new ManualResetEventSlim();
        var events = new List<string>();
        var commit = Task.Run(() => Fence.Commit(Sweep, Run, 1, () =>
        {
            renaming.Set();
            Thread.Sleep(300);
            lock (events) events.Add("renamed by attempt 1");
        }));
        renaming.Wait(TimeSpan.FromSeconds(10));

        await Fence.ClaimAsync(Sweep, Run, 2);
        lock (events) events.Add("claimed by attempt 2");
        await commit;

        Assert.Equal(["renamed by attempt 1", "claimed by attempt 2"], events);
        Assert.Throws<FencedOutException>(() => Fence.Commit(Sweep, Run, 1, () => events.Add("renamed late")));
        Assert.Equal(2, events.Count);
    }

    private static string[] SegmentFiles(string folder) =>
        Directory.GetFiles(folder).Select(p => Path.GetFileName(p)!).Order(StringComparer.Ordinal).ToArray();
}
