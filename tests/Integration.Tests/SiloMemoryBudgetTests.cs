using Grokking.Grains.Contracts;

namespace Grokking.Integration.Tests;

/// <summary>
/// A submitted run larger than a silo's memory budget fails on that silo before torch allocates, with the estimate
/// and the budget in its error, instead of taking the silo down (submit only refuses what no silo could hold).
/// </summary>
public sealed class SiloMemoryBudgetTests
{
    [Fact]
    public async Task A_run_larger_than_the_silo_s_budget_fails_there_with_the_estimate_and_the_silo_keeps_serving()
    {
        await using var cluster = await LoopbackCluster.StartAsync("memory");
        cluster.StartSilo(slots: 1, environment: new Dictionary<string, string> { ["GROKKING_MEMORY_BUDGET"] = "256MiB" });
        await using var connection = await cluster.ConnectAsync();
        await cluster.WaitForSilosAsync(connection, 1, TimeSpan.FromSeconds(90), "the silo to join");

        // Grid point 0 fits 256 MiB; point 1 (width 2048: about 25 M parameters, over 600 MB with optimizer state) does not.
        var spec = Path.Combine(cluster.Scratch, "wide.yaml");
        File.WriteAllText(spec, """
            name: wide
            task: { kind: modular, operation: "x+y", modulus: 23, train_fraction: 0.5 }
            model: { kind: mlp, depth: 2 }
            training: { steps: 20, batch_size: 64, eval_every: 10, rank_every: 0, checkpoint_every: 10 }
            max_failures: 0
            grid:
              width: [16, 2048]
            """);
        var (code, output) = cluster.Grokking("submit", spec);
        Assert.True(code == 0, output);

        var sweep = connection.Client.GetGrain<ISweepGrain>("wide");
        await cluster.WaitUntilAsync(async () => (await sweep.GetStatus()).IsFinished, TimeSpan.FromSeconds(120), "the sweep to finish");
        var runs = (await sweep.GetRuns()).OrderBy(r => r.Index).ToList();
        Assert.Equal(RunStatus.Done, runs[0].Status);
        Assert.Equal(RunStatus.Failed, runs[1].Status);
        Assert.Contains("does not fit this silo: the run needs about", runs[1].Error);
        Assert.Contains("a run may use 256 MiB here (--memory-budget / GROKKING_MEMORY_BUDGET)", runs[1].Error);
        Assert.True(cluster.Silos.Values.Single().HasExited is false, "the silo exited:\n" + cluster.SiloOutput());
    }
}
