using Grokking.Grains.Checkpoints;
using Grokking.Grains.Metrics;
using Grokking.Grains.Runs;
using Grokking.Grains.Specs;
using Grokking.Grains.Tests.Metrics;
using StackExchange.Redis;

namespace Grokking.Grains.Tests.Redis;

/// <summary>A run whose Redis goes away mid-run, with a real redis-server stopped and started again.</summary>
public sealed class RedisOutageTests : IAsyncLifetime
{
    private const string Spec = """
        name: outage
        task: { kind: modular, operation: "x+y", modulus: 11, train_fraction: 0.5 }
        model: { kind: mlp, depth: 2, width: 16 }
        optimizer: { lr: 1e-2, weight_decay: 0.5 }
        training: { steps: 400, batch_size: 16, eval_every: 10, rank_every: 100, checkpoint_every: 20 }
        """;

    private readonly RedisServer _redis = new();
    private readonly TempOutputFolder _reference = new();
    private readonly TempOutputFolder _paused = new();

    public Task InitializeAsync() => _redis.InitializeAsync();

    [Fact]
    public async Task The_run_pauses_while_redis_is_down_and_finishes_with_every_step_once_when_it_returns()
    {
        var run = SpecParser.Parse(Spec).Expand()[0];
        new RunExecutor(new FileCheckpointStore(_reference.Path), new MetricSegmentWriter(), _reference.Path).Execute(run);

        await using var redis = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
        var store = new RedisCheckpointStore(redis);
        var executor = new RunExecutor(store, new MetricSegmentWriter(), _paused.Path);
        var checkpointed = new TaskCompletionSource();
        long lastStep = 0;
        var progress = new SyncProgress(p =>
        {
            Interlocked.Exchange(ref lastStep, p.Step);
            if (p.Checkpointed && p.Step >= 40) checkpointed.TrySetResult();
        });
        var training = executor.ExecuteAsync(run, progress);

        await checkpointed.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await _redis.StopAsync();
        // Give the run time to reach its next checkpoint, then watch it stand still.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        long pausedAt = Interlocked.Read(ref lastStep);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.False(training.IsCompleted, "the run finished although Redis was down: a checkpoint was dropped");
        Assert.Equal(pausedAt, Interlocked.Read(ref lastStep));
        Assert.True(pausedAt < 400, $"paused at step {pausedAt}");

        await _redis.StartAgainAsync();
        var outcome = await training.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(400, outcome.StepsTrained);
        Assert.NotNull(await store.LoadAsync(run.SweepId, run.RunId));
        var coverage = DuckDb.Rows(
            $"SELECT count(*), count(DISTINCT step), min(step), max(step) FROM {DuckDb.Metrics(_paused.Path)}").Single();
        Assert.Equal([400L, 400L, 1L, 400L], coverage.Select(Convert.ToInt64));
        Assert.Equal(Losses(_reference.Path), Losses(_paused.Path));
    }

    private static List<string> Losses(string outDir) =>
        DuckDb.Rows($"SELECT step, train_loss, val_acc FROM {DuckDb.Metrics(outDir)} ORDER BY step")
            .Select(r => string.Join('|', r)).ToList();

    private sealed class SyncProgress(Action<RunProgress> report) : IProgress<RunProgress>
    {
        public void Report(RunProgress value) => report(value);
    }

    public async Task DisposeAsync()
    {
        await _redis.DisposeAsync();
        _reference.Dispose();
        _paused.Dispose();
    }
}
