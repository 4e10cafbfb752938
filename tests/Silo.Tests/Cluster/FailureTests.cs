using Grokking.Grains.Contracts;

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
}
