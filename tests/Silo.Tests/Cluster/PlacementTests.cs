using Grokking.Grains.Contracts;

namespace Grokking.Silo.Tests.Cluster;

[Collection(GrokkingClusterCollection.Name)]
public sealed class PlacementTests(GrokkingCluster cluster)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Runs_of_a_gpu_sweep_train_only_on_the_gpu_silo()
    {
        var spec = new NoopSweepSpec("placement-gpu") { Runs = 3, Accelerator = "gpu" };
        var gpu = cluster.AddressOf(cluster.InstancesWith("gpu").Single());

        var submitted = await cluster.Sweep(spec.Name).Submit(spec.Submission);
        Assert.True(submitted.Accepted, submitted.Error);
        var status = await cluster.WaitFinishedAsync(spec.Name, Timeout);

        Assert.Equal(3, status.Done);
        var runs = await cluster.Sweep(spec.Name).GetRuns();
        Assert.All(runs, r => Assert.Equal(gpu, r.Silo));
    }

    [Fact]
    public async Task Runs_of_a_cpu_sweep_never_train_on_the_gpu_silo()
    {
        var spec = new NoopSweepSpec("placement-cpu") { Runs = 3, Accelerator = "cpu" };
        var cpu = cluster.InstancesWith("cpu").Select(cluster.AddressOf).ToHashSet();

        var submitted = await cluster.Sweep(spec.Name).Submit(spec.Submission);
        Assert.True(submitted.Accepted, submitted.Error);
        var status = await cluster.WaitFinishedAsync(spec.Name, Timeout);

        Assert.Equal(3, status.Done);
        var runs = await cluster.Sweep(spec.Name).GetRuns();
        Assert.All(runs, r => Assert.True(r.Silo is not null && cpu.Contains(r.Silo), $"run {r.RunId} ran on {r.Silo}, not a cpu silo"));
    }
}
