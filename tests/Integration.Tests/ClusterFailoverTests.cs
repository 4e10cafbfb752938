using Grokking.Grains.Contracts;

namespace Grokking.Integration.Tests;

public sealed class ClusterFailoverTests : IAsyncLifetime
{
    private LoopbackCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await LoopbackCluster.StartAsync("cluster");

    [Fact]
    public async Task Killing_a_silo_mid_sweep_restarts_its_runs_elsewhere_and_the_dataset_has_every_step_once()
    {
        var spec = FailoverSpec.Write(_cluster.Scratch, "failover");
        var outDir = _cluster.OutDir;
        _cluster.StartSilo();
        _cluster.StartSilo();
        await using var connection = await _cluster.ConnectAsync();
        await _cluster.WaitForSilosAsync(connection, 2, TimeSpan.FromSeconds(60), "both silos to join the cluster");

        var (code, output) = _cluster.Grokking("submit", spec);
        Assert.True(code == 0, output);
        var sweep = connection.Client.GetGrain<ISweepGrain>("failover");

        // Kill the silo of a run that has checkpointed at least twice and is still training.
        RunRecord? victim = null;
        await _cluster.WaitUntilAsync(async () =>
        {
            victim = (await sweep.GetStatus()).Active.FirstOrDefault(r => r.Step >= 250 && r.Step < FailoverSpec.Steps - 500);
            return victim is not null;
        }, TimeSpan.FromMinutes(3), "a run to get well under way");
        _cluster.Kill(LoopbackCluster.PortOf(victim!.Silo!));

        await _cluster.WaitUntilAsync(async () => (await sweep.GetStatus()).IsFinished, TimeSpan.FromMinutes(6), "the sweep to finish on the surviving silo");
        var status = await sweep.GetStatus();
        Assert.Equal(FailoverSpec.Runs, status.Done);
        Assert.True(status.Attempts > FailoverSpec.Runs, $"expected restarts after the kill, got {status.Attempts} attempts");

        var runsTable = await sweep.WriteRunsTable();
        Assert.True(File.Exists(runsTable));
        var data = new SweepDataset(outDir, "failover");
        SweepAssertions.ExactlyOnce(data, FailoverSpec.Runs, FailoverSpec.Steps);
        var killed = data.RunTable().Single(r => r.RunId == victim.RunId);
        Assert.True(killed.Attempts > 1, $"run {killed.RunId} lost its silo but records {killed.Attempts} attempt(s)");
        SweepAssertions.EqualsUninterrupted(data, spec, killed.Index, killed.RunId, _cluster.Scratch);

        // The command-line view of the same sweep (unknown sweeps are BadInputClusterTests' business).
        var (statusCode, json) = _cluster.Grokking("status", "failover", "--json");
        Assert.True(statusCode == 0, json);
        Assert.Contains("\"done\": 8", json);
        Assert.Contains(victim.RunId, json);
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();
}
