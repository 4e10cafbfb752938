using Grokking.Grains.Contracts;
using Grokking.Grains.Fencing;

namespace Grokking.Silo.Tests.Cluster;

[Collection(GrokkingClusterCollection.Name)]
public sealed class FailureTests(GrokkingCluster cluster)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_failing_run_is_retried_from_its_checkpoint_and_finishes_within_max_failures()
    {
        var spec = new NoopSweepSpec("retry") { Runs = 2, Steps = 40, CheckpointEvery = 10, MaxFailures = 3 };
        var flaky = spec.RunIds[0];
        cluster.Checkpoints.FailSaves(flaky, 2);

        Assert.True((await cluster.Sweep(spec.Name).Submit(spec.Submission)).Accepted);
        var status = await cluster.WaitFinishedAsync(spec.Name, Timeout);

        Assert.Equal(2, status.Done);
        var run = (await cluster.Sweep(spec.Name).GetRuns()).Single(r => r.RunId == flaky);
        Assert.Equal(RunStatus.Done, run.Status);
        Assert.Equal(2, run.Failures);
        Assert.Equal(3, run.Attempts);
        Assert.Contains("injected checkpoint failure", run.Error);
        Assert.Equal(40, run.Outcome!.StepsTrained);
    }

    [Fact]
    public async Task A_run_that_fails_more_than_max_failures_ends_failed_with_its_error_and_the_sweep_still_finishes()
    {
        var spec = new NoopSweepSpec("give-up") { Runs = 3, Steps = 20, MaxFailures = 2 };
        var doomed = spec.RunIds[1];
        cluster.Checkpoints.FailSaves(doomed, 100);

        Assert.True((await cluster.Sweep(spec.Name).Submit(spec.Submission)).Accepted);
        var status = await cluster.WaitFinishedAsync(spec.Name, Timeout);

        Assert.Equal(2, status.Done);
        Assert.Equal(1, status.Failed);
        var failure = Assert.Single(status.Failures);
        Assert.Equal(doomed, failure.RunId);
        Assert.Equal(2, failure.Failures);
        Assert.Equal(2, failure.Attempts);
        Assert.Contains("injected checkpoint failure", failure.Error);
        cluster.Checkpoints.FailSaves(doomed, 0);
    }

    [Fact]
    public async Task Done_runs_delete_their_checkpoint_unless_the_spec_keeps_final_weights()
    {
        var dropped = new NoopSweepSpec("drop-weights") { Runs = 2, Steps = 20 };
        var kept = new NoopSweepSpec("keep-weights") { Runs = 2, Steps = 20, KeepFinalCheckpoint = true };
        foreach (var spec in new[] { dropped, kept })
        {
            Assert.True((await cluster.Sweep(spec.Name).Submit(spec.Submission)).Accepted);
            Assert.Equal(2, (await cluster.WaitFinishedAsync(spec.Name, Timeout)).Done);
        }

        foreach (var run in dropped.RunIds)
            Assert.Null(await cluster.Checkpoints.LoadAsync(dropped.Name, run));
        foreach (var run in kept.RunIds)
            Assert.NotNull(await cluster.Checkpoints.LoadAsync(kept.Name, run));
    }

    [Fact]
    public async Task A_checkpoint_store_outage_pauses_the_run_which_continues_without_failing_or_losing_a_save()
    {
        var spec = new NoopSweepSpec("outage") { Runs = 2, Steps = 40, CheckpointEvery = 10, MaxFailures = 1 };
        var paused = spec.RunIds[0];
        int before = cluster.Checkpoints.Injected;
        cluster.Checkpoints.FailSaves(paused, 3, transient: true);

        Assert.True((await cluster.Sweep(spec.Name).Submit(spec.Submission)).Accepted);
        var status = await cluster.WaitFinishedAsync(spec.Name, Timeout);

        Assert.Equal(2, status.Done);
        Assert.Equal(3, cluster.Checkpoints.Injected - before);
        var run = (await cluster.Sweep(spec.Name).GetRuns()).Single(r => r.RunId == paused);
        Assert.Equal(RunStatus.Done, run.Status);
        Assert.Equal(0, run.Failures);
        Assert.Equal(1, run.Attempts);
        Assert.Null(run.Error);
        Assert.Equal(40, run.Outcome!.StepsTrained);
    }

    [Theory]
    [InlineData("corrupt")]
    [InlineData("truncated")]
    public async Task An_unreadable_checkpoint_restarts_the_run_from_step_0_and_runs_parquet_says_so(string damage)
    {
        var spec = new NoopSweepSpec("bad-ckpt-" + damage) { Runs = 2, Steps = 300, StepMs = 10, CheckpointEvery = 10 };
        var victim = spec.RunIds[1];
        var sweep = cluster.Sweep(spec.Name);
        Assert.True((await sweep.Submit(spec.Submission)).Accepted);
        await Eventually.Until(sweep.GetRuns, runs => runs.Any(r => r.RunId == victim && r.Step >= 20), Timeout, "the run to checkpoint");
        await sweep.Cancel();
        await cluster.WaitFinishedAsync(spec.Name, Timeout);

        // Damage the run's checkpoint, then resume: the run must notice, start over and finish.
        var blob = (await cluster.Checkpoints.LoadAsync(spec.Name, victim))!;
        var damaged = damage == "truncated" ? blob[..(blob.Length / 2)] : Flip(blob, blob.Length / 2);
        var token = await new FileRunFence(cluster.OutDir).CurrentAsync(spec.Name, victim);
        await cluster.Checkpoints.SaveAsync(spec.Name, victim, token, damaged);
        await sweep.Resume();
        var status = await cluster.WaitFinishedAsync(spec.Name, Timeout);

        Assert.Equal(2, status.Done);
        var run = (await sweep.GetRuns()).Single(r => r.RunId == victim);
        Assert.Equal(300, run.Outcome!.StepsTrained);
        Assert.Contains("checkpoint unusable", run.Note);
        Assert.Contains("restarted from step 0", run.Note);

        var path = await cluster.Sweep(spec.Name).WriteRunsTable();
        var notes = DuckDb.Rows($"SELECT run_id, note FROM read_parquet({DuckDb.Literal(path)}) WHERE note IS NOT NULL");
        Assert.True(notes.Count > 0, "runs.parquet has no note for the run whose checkpoint was unusable");
        Assert.Equal(victim, (string)notes[0][0]);
        Assert.Contains(damage == "truncated" ? "truncated" : "checksum", (string)notes[0][1]);
        Assert.Single(notes);
    }

    private static byte[] Flip(byte[] blob, int at)
    {
        var copy = blob.ToArray();
        copy[at] ^= 0x40;
        return copy;
    }
}
