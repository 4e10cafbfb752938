using Grokking.Grains.Contracts;

namespace Grokking.Silo.Tests.Cluster;

[Collection(GrokkingClusterCollection.Name)]
public sealed class SubmitTests(GrokkingCluster cluster)
{
    [Fact]
    public async Task Submitting_the_same_spec_twice_creates_the_grid_once()
    {
        var spec = new NoopSweepSpec("idempotent") { Runs = 4, Steps = 20, StepMs = 10 };
        var sweep = cluster.Sweep(spec.Name);

        var first = await sweep.Submit(spec.Submission);
        var second = await sweep.Submit(spec.Submission);

        Assert.True(first.Accepted && first.Created, $"first submit: {first}");
        Assert.True(second.Accepted && !second.Created, $"second submit: {second}");
        Assert.Equal(4, first.Runs);
        Assert.Equal(first.Runs, second.Runs);

        var status = await cluster.WaitFinishedAsync(spec.Name, TimeSpan.FromSeconds(30));
        var runs = await sweep.GetRuns();
        Assert.Equal(4, status.Total);
        Assert.Equal(4, status.Done);
        Assert.Equal(4, runs.Count);
        Assert.Equal(4, runs.Select(r => r.RunId).Distinct().Count());
        Assert.All(runs, r => Assert.Equal(1, r.Attempts));
    }

    [Fact]
    public async Task A_different_spec_under_an_existing_name_is_refused_with_the_sweep_named()
    {
        var spec = new NoopSweepSpec("taken-name") { Runs = 2 };
        var sweep = cluster.Sweep(spec.Name);
        var created = await sweep.Submit(spec.Submission);
        Assert.True(created.Created, $"first submit: {created}");

        var refused = await sweep.Submit((spec with { Steps = spec.Steps * 2 }).Submission);

        Assert.False(refused.Accepted);
        Assert.False(refused.Created);
        Assert.Contains("'taken-name'", refused.Error);
        var status = await cluster.WaitFinishedAsync(spec.Name, TimeSpan.FromSeconds(30));
        Assert.Equal(2, status.Total);
        Assert.All(await sweep.GetRuns(), r => Assert.Equal(spec.Steps, r.TotalSteps));
    }

    [Fact]
    public async Task A_spec_naming_another_sweep_is_refused_and_creates_nothing()
    {
        var sweep = cluster.Sweep("wrong-key");

        var refused = await sweep.Submit(new NoopSweepSpec("right-name").Submission);

        Assert.False(refused.Accepted);
        Assert.Contains("right-name", refused.Error);
        Assert.False((await sweep.GetStatus()).Exists);
        Assert.False((await cluster.Sweep("right-name").GetStatus()).Exists);
    }
}
