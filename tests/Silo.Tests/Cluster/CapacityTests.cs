using Grokking.Grains.Contracts;

namespace Grokking.Silo.Tests.Cluster;

[Collection(GrokkingClusterCollection.Name)]
public sealed class CapacityTests(GrokkingCluster cluster)
{
    [Fact]
    public async Task A_sweep_larger_than_the_cluster_keeps_every_slot_busy_and_never_oversubscribes_one()
    {
        var spec = new NoopSweepSpec("capacity") { Runs = 12, Steps = 40, StepMs = 20, EvalEvery = 10, CheckpointEvery = 20 };
        var engines = cluster.Engines();
        Assert.Equal(4, cluster.TotalSlots);

        var submitted = await cluster.Sweep(spec.Name).Submit(spec.Submission);
        Assert.True(submitted.Accepted, submitted.Error);

        // Sample both views while the sweep runs: the sweep's count of running runs and each engine's training threads.
        int maxRunning = 0, maxBusyTogether = 0;
        var maxBusySeen = new int[engines.Count];
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(40);
        SweepStatus status;
        while (true)
        {
            status = await cluster.Sweep(spec.Name).GetStatus();
            maxRunning = Math.Max(maxRunning, status.Running);
            int together = 0;
            for (int i = 0; i < engines.Count; i++)
            {
                int busy = engines[i].Busy;
                maxBusySeen[i] = Math.Max(maxBusySeen[i], busy);
                together += busy;
            }
            maxBusyTogether = Math.Max(maxBusyTogether, together);
            Assert.True(status.Running <= cluster.TotalSlots,
                $"the sweep reported {status.Running} runs running on a cluster of {cluster.TotalSlots} slots");
            if (status.IsFinished) break;
            Assert.True(DateTime.UtcNow < deadline, $"the sweep did not finish in time; last status: {status}");
            await Task.Delay(Eventually.PollInterval);
        }

        Assert.Equal(12, status.Done);
        Assert.Equal(4, status.Capacity);
        for (int i = 0; i < engines.Count; i++)
            Assert.True(engines[i].MaxBusy <= engines[i].Slots,
                $"silo {i} trained {engines[i].MaxBusy} runs at once with {engines[i].Slots} slots");
        Assert.Contains(Enumerable.Range(0, engines.Count), i => maxBusySeen[i] == engines[i].Slots);
        Assert.True(maxBusyTogether == cluster.TotalSlots,
            $"at most {maxBusyTogether} of {cluster.TotalSlots} slots were seen busy at once while 12 runs waited");
        Assert.True(maxRunning == cluster.TotalSlots,
            $"the sweep never had more than {maxRunning} of {cluster.TotalSlots} slots' worth of runs running");
    }
}
