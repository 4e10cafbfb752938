using Grokking.Grains.Contracts;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Grokking.Integration.Tests;

/// <summary>
/// A silo the cluster declared dead while it was frozen (a paused VM, a stalled node) wakes up believing it still owns
/// its run and tries to write: every write of that zombie is refused (DESIGN.md, invariant 6) and the dataset is that
/// of an uninterrupted run.
/// </summary>
public sealed class FrozenSiloTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Sweep = "zombie";

    // About 40 s of training on this 2-core machine: the run must still be mid-way after the second silo has joined,
    // the first was declared dead and the run moved over.
    private const long Steps = 8000;
    private const long CheckpointEvery = 100;

    private LoopbackCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await LoopbackCluster.StartAsync("frozen");

    [Fact]
    public async Task A_silo_declared_dead_while_frozen_wakes_to_refused_writes_and_the_dataset_equals_an_uninterrupted_run()
    {
        var spec = WriteSpec();
        int siloA = _cluster.StartSilo(slots: 1);
        await using var connection = await _cluster.ConnectAsync();
        var (submitted, submitOutput) = _cluster.Grokking("submit", spec);
        Assert.True(submitted == 0, submitOutput);
        var sweep = connection.Client.GetGrain<ISweepGrain>(Sweep);

        await _cluster.WaitUntilAsync(async () => await RunAsync(sweep) is { Status: RunStatus.Running, Step: >= 3 * CheckpointEvery } r
                && LoopbackCluster.PortOf(r.Silo!) == siloA,
            TimeSpan.FromMinutes(3), "the run to checkpoint a few times on silo A");
        int siloB = _cluster.StartSilo(slots: 1);
        await _cluster.WaitForSilosAsync(connection, 2, TimeSpan.FromMinutes(2), "silo B to join");

        var onA = await RunAsync(sweep);
        Assert.True(onA.Status == RunStatus.Running && LoopbackCluster.PortOf(onA.Silo!) == siloA && onA.Step < Steps - 2000,
            $"the run must still be training on silo A, far from its end, when A is frozen; it is {onA.Status} at step {onA.Step} on {onA.Silo}");
        var zombie = _cluster.Silos[siloA];
        zombie.Freeze();
        var frozenAt = DateTime.UtcNow;
        output.WriteLine($"froze silo A at step {onA.Step} (fence token {onA.Fence})");

        // Declared dead (two missed 2 s probes), the run restarts on B from its latest checkpoint and moves on.
        await _cluster.WaitUntilAsync(async () => await RunAsync(sweep) is { Attempts: >= 2, Silo: { } s } r && LoopbackCluster.PortOf(s) == siloB
                && r.Step >= onA.Step + 3 * CheckpointEvery,
            TimeSpan.FromMinutes(4), "the run to restart on silo B and pass a few checkpoints there");
        var onB = await RunAsync(sweep);
        Assert.True(onB.Fence > onA.Fence, $"the attempt on B holds token {onB.Fence}, the one on A {onA.Fence}");

        // Orleans stops a silo as soon as it reads its own Dead row in the membership table (in Redis), which a thawed
        // silo does within moments. Holding Redis still while A wakes lets A get to its next write first, which is what
        // this test is about; a zombie cut off from the membership store is the common case anyway.
        // (Should A have been frozen between a segment and its checkpoint, its first write after waking is the Redis save,
        // refused once Redis is back.)
        var refusal = $"holds fence token {onA.Fence} but the run's current token is";
        var redis = _cluster.Redis.ProcessId ?? throw new InvalidOperationException("redis-server is not running");
        Signals.Freeze(redis);
        TimeSpan frozenFor;
        try
        {
            zombie.Thaw();
            frozenFor = DateTime.UtcNow - frozenAt;
            await ShowsWithinAsync(zombie, refusal, TimeSpan.FromSeconds(20));
        }
        finally
        {
            Signals.Thaw(redis);
        }
        Assert.True(await ShowsWithinAsync(zombie, refusal, TimeSpan.FromSeconds(60)), "the thawed silo A wrote no refused write:\n" + zombie.Output);
        output.WriteLine($"silo A was frozen for {frozenFor.TotalSeconds:F1} s; its refusal:\n{RefusalLines(zombie.Output)}");
        Assert.True(zombie.WaitForExit(TimeSpan.FromSeconds(60)), "the zombie silo did not stop after learning it was declared dead:\n" + zombie.Output);

        await _cluster.WaitUntilAsync(async () => (await sweep.GetStatus()).IsFinished, TimeSpan.FromMinutes(8), "the sweep to finish on silo B");
        var record = await RunAsync(sweep);
        Assert.Equal(RunStatus.Done, record.Status);
        Assert.Equal(0, record.Failures);
        Assert.Equal([onA.Silo!], record.LostSilos);
        await sweep.WriteRunsTable();

        var data = new SweepDataset(_cluster.OutDir, Sweep);
        SweepAssertions.ExactlyOnce(data, 1, Steps);
        // A row the zombie published after it woke would carry a wall time that includes the freeze; the new attempt's
        // rows continue from its checkpoint's wall time.
        var gap = Convert.ToDouble(data.Query($"""
            SELECT max(wall_time_s - prev) FROM (
              SELECT wall_time_s, lag(wall_time_s) OVER (ORDER BY step) AS prev FROM {data.Metrics} WHERE run_id = '{record.RunId}')
            """).Single()[0]);
        Assert.True(gap < frozenFor.TotalSeconds / 2, $"wall time jumps by {gap:F1} s between two steps; silo A was frozen for {frozenFor.TotalSeconds:F1} s");
        Assert.All(RunFiles(record.RunId), f => Assert.Matches(@"^part-\d{10}\.parquet$", f));
        await using (var client = await ConnectionMultiplexer.ConnectAsync(_cluster.Redis.ConnectionString))
        {
            var db = client.GetDatabase();
            Assert.False(await db.KeyExistsAsync($"grokking:checkpoint:{Sweep}:{record.RunId}"), "a checkpoint of the finished run is back in Redis");
            Assert.Equal(record.Fence, (long)await db.StringGetAsync($"grokking:fence:{Sweep}:{record.RunId}"));
        }
        SweepAssertions.EqualsUninterrupted(data, spec, record.Index, record.RunId, _cluster.Scratch);
    }

    private static async Task<RunRecord> RunAsync(ISweepGrain sweep) => (await sweep.GetRuns()).Single();

    private static async Task<bool> ShowsWithinAsync(ChildProcess process, string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!process.Output.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(50);
        }
        return true;
    }

    private IEnumerable<string> RunFiles(string runId) =>
        new[] { "metrics", "layers" }
            .Select(table => Path.Combine(_cluster.OutDir, $"sweep={Sweep}", table, $"run={runId}"))
            .Where(Directory.Exists)
            .SelectMany(Directory.GetFiles)
            .Select(f => Path.GetFileName(f)!);

    private static string RefusalLines(string log) =>
        string.Join('\n', log.Split('\n').Where(l => l.Contains("refused to", StringComparison.Ordinal)));

    private string WriteSpec()
    {
        var path = Path.Combine(_cluster.Scratch, Sweep + ".yaml");
        File.WriteAllText(path, $$"""
            name: {{Sweep}}
            task: { kind: modular, operation: "x+y", modulus: 23, train_fraction: 0.5 }
            model: { kind: mlp, depth: 3, width: 256 }
            optimizer: { lr: 1e-3, weight_decay: 1.0 }
            training: { steps: {{Steps}}, batch_size: 128, eval_every: 20, rank_every: 1000, checkpoint_every: {{CheckpointEvery}} }
            """);
        return path;
    }

    public async Task DisposeAsync()
    {
        // A silo left frozen by a failed assertion is killed on dispose all the same: SIGKILL reaches stopped processes.
        await _cluster.DisposeAsync();
    }
}
