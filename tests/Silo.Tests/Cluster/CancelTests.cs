using Grokking.Grains.Contracts;
using Grokking.Grains.Storage;

namespace Grokking.Silo.Tests.Cluster;

[Collection(GrokkingClusterCollection.Name)]
public sealed class CancelTests(GrokkingCluster cluster)
{
    [Fact]
    public async Task Cancel_stops_running_runs_at_a_step_boundary_keeping_their_metrics_and_resume_completes_the_sweep()
    {
        // 6 runs of 3 s on 4 slots: two never start before the cancel.
        var spec = new NoopSweepSpec("cancel") { Runs = 6, Steps = 600, StepMs = 5, EvalEvery = 20, CheckpointEvery = 200 };
        var sweep = cluster.Sweep(spec.Name);
        var submitted = await sweep.Submit(spec.Submission);
        Assert.True(submitted.Accepted, submitted.Error);

        var running = await Eventually.Until(sweep.GetStatus,
            s => s.Running == cluster.TotalSlots && s.Active.All(r => r.Step > 0), TimeSpan.FromSeconds(20),
            "every slot to train a run that has reported progress");
        var cancelledWhileRunning = running.Active.Select(r => r.RunId).ToList();

        await sweep.Cancel();
        var cancelled = await cluster.WaitFinishedAsync(spec.Name, TimeSpan.FromSeconds(20));

        Assert.True(cancelled.CancelRequested);
        Assert.Equal(0, cancelled.Running);
        Assert.Equal(cancelled.Total - cancelled.Done, cancelled.Cancelled);
        Assert.True(cancelled.Cancelled >= cancelledWhileRunning.Count, $"after cancel: {cancelled}");
        var records = (await sweep.GetRuns()).ToDictionary(r => r.RunId);
        Assert.DoesNotContain(records.Values, r => r.Status == RunStatus.Running);
        foreach (var id in cancelledWhileRunning)
        {
            var record = records[id];
            Assert.Equal(RunStatus.Cancelled, record.Status);
            Assert.NotNull(record.Outcome);
            Assert.InRange(record.Outcome.StepsTrained, 1, spec.Steps - 1);
            var metrics = OutputLayout.MetricsFolder(cluster.OutDir, spec.Name, id);
            Assert.True(Directory.Exists(metrics), $"run {id} was cancelled at step {record.Outcome.StepsTrained} but {metrics} is missing");
            Assert.NotEmpty(Directory.GetFiles(metrics, "part-*" + OutputLayout.SegmentExtension));
        }

        var resumed = await sweep.Resume();
        Assert.False(resumed.CancelRequested);
        var finished = await cluster.WaitFinishedAsync(spec.Name, TimeSpan.FromSeconds(30));

        Assert.Equal(spec.Runs, finished.Done);
        Assert.All(await sweep.GetRuns(), r => Assert.Equal(spec.Steps, r.Outcome?.StepsTrained));
    }
}
