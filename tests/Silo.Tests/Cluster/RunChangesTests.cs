using Grokking.Grains.Contracts;

namespace Grokking.Silo.Tests.Cluster;

/// <summary>
/// <see cref="ISweepGrain.GetRunChanges"/>, what a live view polls: a reader that applies every answer holds the same
/// records as <see cref="ISweepGrain.GetRuns"/>, asking again after nothing changed returns nothing, and a cancel
/// (which changes how every pending run is seen) is sent whole.
/// </summary>
[Collection(GrokkingClusterCollection.Name)]
public sealed class RunChangesTests(GrokkingCluster cluster)
{
    private static string Key(RunRecord r) => $"{r.Status}|{r.Step}|{r.Attempts}|{r.Outcome?.Phase}|{r.Outcome?.StepsTrained}";

    [Fact]
    public async Task A_reader_applying_the_changes_holds_every_record_and_an_idle_sweep_sends_nothing()
    {
        var spec = new NoopSweepSpec("changes") { Runs = 8, Steps = 60, StepMs = 5, EvalEvery = 10, CheckpointEvery = 30 };
        var sweep = cluster.Sweep(spec.Name);
        Assert.True((await sweep.Submit(spec.Submission)).Accepted);

        var held = new Dictionary<string, RunRecord>();
        var (epoch, version) = ("", 0L);
        int answers = 0, partial = 0;
        while (true)
        {
            var finished = (await sweep.GetStatus()).IsFinished;
            var changes = await sweep.GetRunChanges(epoch, version);
            Assert.True(changes.Exists);
            if (changes.All) held.Clear();
            else partial++;
            foreach (var r in changes.Records) held[r.RunId] = r;
            Assert.True(changes.Version >= version || changes.Epoch != epoch);
            (epoch, version) = (changes.Epoch, changes.Version);
            answers++;
            if (finished) break;
            await Task.Delay(30);
        }
        Assert.True(partial > 0, "every answer was the whole sweep");
        var runs = await sweep.GetRuns();
        Assert.Equal(runs.Select(Key), runs.Select(r => Key(held[r.RunId])));
        Assert.All(runs, r => Assert.Equal(RunStatus.Done, r.Status));

        // Nothing changes any more: nothing is sent, at the same version.
        var idle = await sweep.GetRunChanges(epoch, version);
        Assert.False(idle.All);
        Assert.Empty(idle.Records);
        Assert.Equal(version, idle.Version);
        Assert.Equal(spec.Runs, idle.Status.Done);

        // Another epoch (a reader of an earlier activation) or a version from the future gets everything.
        Assert.True((await sweep.GetRunChanges("other", version)).All);
        Assert.Equal(spec.Runs, (await sweep.GetRunChanges(epoch, version + 1000)).Records.Count);
    }

    [Fact]
    public async Task A_cancel_sends_every_run_since_pending_runs_now_count_as_cancelled()
    {
        var spec = new NoopSweepSpec("changes-cancel") { Runs = 12, Steps = 400, StepMs = 5, EvalEvery = 20, CheckpointEvery = 200 };
        var sweep = cluster.Sweep(spec.Name);
        Assert.True((await sweep.Submit(spec.Submission)).Accepted);
        var first = await sweep.GetRunChanges("", 0);
        Assert.True(first.All);
        Assert.Equal(spec.Runs, first.Records.Count);

        await sweep.Cancel();
        var after = await sweep.GetRunChanges(first.Epoch, first.Version);
        Assert.True(after.All, "a cancel changes how every pending run is seen; the reader must get them all");
        Assert.Contains(after.Records, r => r.Status == RunStatus.Cancelled);
        await cluster.WaitFinishedAsync(spec.Name, TimeSpan.FromSeconds(30));
        await sweep.Resume();
        await cluster.WaitFinishedAsync(spec.Name, TimeSpan.FromSeconds(60));
    }
}
