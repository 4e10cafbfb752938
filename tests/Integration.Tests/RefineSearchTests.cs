using Grokking.Grains.Contracts;
using Grokking.Grains.Search;
using Grokking.Grains.Specs;

namespace Grokking.Integration.Tests;

/// <summary>
/// A boundary search run for real, embedded and on a two-silo cluster, killed mid-search and resumed: the runs it ends
/// with are exactly those the same outcomes propose without interruption, and each has every step once.
/// Noop runs with <c>noop_boundary</c> memorise exactly when lr * (1 + weight_decay) &lt; 0.05, so the expected run
/// set is computed here without training.
/// </summary>
public sealed class RefineSearchTests : IAsyncLifetime
{
    private const int Steps = 40;
    private LoopbackCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await LoopbackCluster.StartAsync("refine");

    private static string WriteSpec(string folder, string name, int stepMs = 5)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".yaml");
        File.WriteAllText(path, $$"""
            name: {{name}}
            task: { kind: noop, noop_boundary: 0.05, step_ms: {{stepMs}} }
            training: { steps: {{Steps}}, eval_every: 2, checkpoint_every: 10, rank_every: 0, phase_gap: 4 }
            grid:
              lr: { log_range: [1e-3, 1], points: 4 }
              weight_decay: { range: [0, 3], points: 4 }
            search: { strategy: refine, levels: 2 }
            """);
        return path;
    }

    /// <summary>The run ids the search ends with when every run finishes in its true phase.</summary>
    private static HashSet<string> Expected(string specPath)
    {
        var spec = SpecParser.ParseFile(specPath);
        var search = SearchStrategies.Create(spec);
        var runs = search.Initial().ToList();
        RunRecord Finished(RunSpec r) => new()
        {
            RunId = r.RunId, Status = RunStatus.Done,
            Outcome = new RunOutcomeSummary
            {
                Phase = r.Config.Optimizer.Lr * (1 + r.Config.Optimizer.WeightDecay) < 0.05 ? "memorization" : "grokking",
            },
        };
        while (search.Next(runs, Finished) is { Added.Count: > 0 } step) runs.AddRange(step.Added);
        return runs.Select(r => r.RunId).ToHashSet();
    }

    [Fact]
    public void An_embedded_search_killed_mid_level_and_run_again_ends_with_every_proposed_point_once()
    {
        var spec = WriteSpec(_cluster.Scratch, "refine-embedded");
        var expected = Expected(spec);
        Assert.True(expected.Count > 16 + 10, $"the search adds only {expected.Count - 16} runs; the test would not test refinement");
        var outDir = Path.Combine(_cluster.Scratch, "embedded");
        string[] args = ["run", spec, "--out", outDir, "--slots", "2", "--torch-threads", "1"];

        using (var first = ChildProcess.Start("grokking", args))
        {
            // Kill once the search has added runs beyond the coarse 16 and some of them are under way.
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
            while (SweepDataset.RunsWithSegments(outDir, "refine-embedded").Count < 16 + 4)
            {
                Assert.False(first.HasExited, "grokking run ended before it could be killed:\n" + first.Output);
                Assert.True(DateTime.UtcNow < deadline, "the search added no runs in time:\n" + first.Output);
                Thread.Sleep(50);
            }
            first.Kill();
        }
        Assert.True(SweepDataset.RunsWithSegments(outDir, "refine-embedded").Count < expected.Count, "the sweep finished before the kill");

        var (code, output) = ChildProcess.Run(TimeSpan.FromMinutes(5), "grokking", args);
        Assert.True(code == 0, output);
        Assert.Contains("search: refined: ", output);

        var data = new SweepDataset(outDir, "refine-embedded");
        var table = data.RunTable();
        Assert.Equal(expected.Order(), table.Select(r => r.RunId).Order());
        Assert.Equal(Enumerable.Range(0, expected.Count), table.Select(r => r.Index).Order());
        Assert.All(table, r => Assert.Equal("done", r.Status));
        SweepAssertions.ExactlyOnce(data, expected.Count, Steps);
    }

    [Fact]
    public async Task A_search_on_a_cluster_survives_a_silo_kill_with_no_duplicate_or_missing_point()
    {
        var spec = WriteSpec(_cluster.Scratch, "refine-cluster", stepMs: 20);
        var expected = Expected(spec);
        _cluster.StartSilo();
        _cluster.StartSilo();
        await using var connection = await _cluster.ConnectAsync();
        await _cluster.WaitForSilosAsync(connection, 2, TimeSpan.FromSeconds(60), "both silos to join the cluster");
        var (code, output) = _cluster.Grokking("submit", spec);
        Assert.True(code == 0, output);
        var sweep = connection.Client.GetGrain<ISweepGrain>("refine-cluster");

        // Kill a silo while a refinement level is under way.
        RunRecord? victim = null;
        await _cluster.WaitUntilAsync(async () =>
        {
            var status = await sweep.GetStatus();
            victim = status.Total > 16 ? status.Active.FirstOrDefault(r => r.Step > 0) : null;
            return victim is not null;
        }, TimeSpan.FromMinutes(3), "the search to add runs");
        _cluster.Kill(LoopbackCluster.PortOf(victim!.Silo!));

        await _cluster.WaitUntilAsync(async () => (await sweep.GetStatus()).IsFinished, TimeSpan.FromMinutes(5), "the search to finish");
        var final = await sweep.GetStatus();
        Assert.StartsWith("refined: ", final.Search);
        Assert.Equal(expected.Count, final.Done);

        await sweep.WriteRunsTable();
        var data = new SweepDataset(_cluster.OutDir, "refine-cluster");
        Assert.Equal(expected.Order(), data.RunTable().Select(r => r.RunId).Order());
        SweepAssertions.ExactlyOnce(data, expected.Count, Steps);
    }

    [Fact]
    public async Task Two_sweeps_at_once_share_a_silos_slots_and_never_show_queued_runs_as_running()
    {
        _cluster.StartSilo(slots: 2);
        await using var connection = await _cluster.ConnectAsync();
        await _cluster.WaitForSilosAsync(connection, 1, TimeSpan.FromSeconds(60), "the silo to join the cluster");
        var a = WriteSpec(_cluster.Scratch, "shared-a", stepMs: 10);
        var b = WriteSpec(_cluster.Scratch, "shared-b", stepMs: 10);
        Assert.True(_cluster.Grokking("submit", a) is (0, _));
        Assert.True(_cluster.Grokking("submit", b) is (0, _));
        var sweeps = new[] { connection.Client.GetGrain<ISweepGrain>("shared-a"), connection.Client.GetGrain<ISweepGrain>("shared-b") };

        // The two statuses are read one after the other, so a slot handed from one sweep to the other between the two
        // reads can be counted twice in one poll; a queued run shown as Running would show in every poll.
        int most = 0, polls = 0, over = 0;
        while (true)
        {
            var statuses = await Task.WhenAll(sweeps.Select(s => s.GetStatus()));
            int running = statuses.Sum(s => s.Running);
            most = Math.Max(most, running);
            over = running > 2 ? over + 1 : 0;
            Assert.True(over < 2, $"{running} runs show as Running on a silo with 2 slots in consecutive polls ({string.Join(", ", statuses.Select(s => $"{s.SweepId}: {s.Running}"))})");
            polls++;
            if (statuses.All(s => s.IsFinished)) break;
            Assert.True(polls < 3000, "the sweeps did not finish");
            await Task.Delay(20);
        }
        Assert.Equal(2, most);
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();
}
