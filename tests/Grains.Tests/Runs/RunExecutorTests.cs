using Grokking.Grains.Checkpoints;
using Grokking.Grains.Metrics;
using Grokking.Grains.Runs;
using Grokking.Grains.Specs;
using Grokking.Grains.Tests.Metrics;

namespace Grokking.Grains.Tests.Runs;

public sealed class RunExecutorTests : IDisposable
{
    private const string Spec = """
        name: executor-test
        task: { kind: modular, operation: "x+y", modulus: 11, train_fraction: 0.5 }
        model: { kind: mlp, depth: 2, width: 16 }
        optimizer: { lr: 1e-2, weight_decay: 0.5 }
        training: { steps: 90, batch_size: 16, eval_every: 5, rank_every: 20, checkpoint_every: 20 }
        """;

    private readonly TempOutputFolder _reference = new();
    private readonly TempOutputFolder _interrupted = new();

    private static RunSpec Run => SpecParser.Parse(Spec).Expand()[0];

    [Fact]
    public async Task A_cancelled_then_resumed_run_has_every_step_once_and_equals_an_uninterrupted_run()
    {
        Executor(_reference.Path).Execute(Run);

        using var cancel = new CancellationTokenSource();
        var stopAtStep = new Progress(p => { if (p.Step >= 47) cancel.Cancel(); });
        var partial = Executor(_interrupted.Path).Execute(Run, stopAtStep, cancel.Token);
        Assert.InRange(partial.StepsTrained, 47, 89);
        var outcome = Executor(_interrupted.Path).Execute(Run);
        Assert.Equal(90, outcome.StepsTrained);

        AssertExactlyOnce(_interrupted.Path, 90);
        Assert.Equal(Metrics(_reference.Path), Metrics(_interrupted.Path));
        Assert.Equal(Layers(_reference.Path), Layers(_interrupted.Path));
    }

    [Fact]
    public async Task A_crash_between_segment_and_checkpoint_leaves_no_duplicate_rows_after_resume()
    {
        Executor(_reference.Path).Execute(Run);

        // The third checkpoint write "crashes": segment (40, 60] is durable, the checkpoint for 60 is not.
        var crashing = new CrashingStore(new FileCheckpointStore(_interrupted.Path), failOnSave: 3);
        var executor = new RunExecutor(crashing, new MetricSegmentWriter(), _interrupted.Path);
        Assert.Throws<IOException>(() => executor.Execute(Run));
        Assert.Equal(60, Steps(_interrupted.Path).Max());

        Executor(_interrupted.Path).Execute(Run);
        AssertExactlyOnce(_interrupted.Path, 90);
        Assert.Equal(Metrics(_reference.Path), Metrics(_interrupted.Path));
    }

    [Fact]
    public async Task Running_a_finished_run_again_trains_nothing_and_writes_nothing()
    {
        Executor(_reference.Path).Execute(Run);
        var before = Directory.GetFiles(_reference.Path, "*.parquet", SearchOption.AllDirectories).Select(File.GetLastWriteTimeUtc).ToList();
        var outcome = Executor(_reference.Path).Execute(Run);
        Assert.Equal(90, outcome.StepsTrained);
        Assert.Equal(before, Directory.GetFiles(_reference.Path, "*.parquet", SearchOption.AllDirectories).Select(File.GetLastWriteTimeUtc));
    }

    private static RunExecutor Executor(string outDir) =>
        new(new FileCheckpointStore(outDir), new MetricSegmentWriter(), outDir);

    private static void AssertExactlyOnce(string outDir, long steps)
    {
        var row = MetricsDuckDb.Rows(
            $"SELECT count(*), count(DISTINCT step), min(step), max(step) FROM {MetricsDuckDb.MetricsGlob(outDir)}").Single();
        Assert.Equal([steps, steps, 1L, steps], row.Select(Convert.ToInt64));
    }

    private static List<long> Steps(string outDir) =>
        MetricsDuckDb.Rows($"SELECT step FROM {MetricsDuckDb.MetricsGlob(outDir)}").Select(r => Convert.ToInt64(r[0])).ToList();

    // Every column but wall time, which legitimately differs between executions.
    private static List<string> Metrics(string outDir) => MetricsDuckDb.Rows(
            $"SELECT * EXCLUDE (wall_time_s, sweep, run) FROM {MetricsDuckDb.MetricsGlob(outDir)} ORDER BY step")
        .Select(r => string.Join("|", r.Select(v => v is double d ? BitConverter.DoubleToInt64Bits(d).ToString() : v.ToString())))
        .ToList();

    private static List<string> Layers(string outDir) => MetricsDuckDb.Rows(
            $"SELECT * EXCLUDE (sweep, run) FROM {MetricsDuckDb.LayersGlob(outDir)} ORDER BY step, layer")
        .Select(r => string.Join("|", r))
        .ToList();

    public void Dispose()
    {
        _reference.Dispose();
        _interrupted.Dispose();
    }

    private sealed class Progress(Action<RunProgress> report) : IProgress<RunProgress>
    {
        public void Report(RunProgress value) => report(value);
    }

    private sealed class CrashingStore(ICheckpointStore inner, int failOnSave) : ICheckpointStore
    {
        private int _saves;

        public Task<byte[]?> LoadAsync(string sweepId, string runId, CancellationToken cancellation = default) =>
            inner.LoadAsync(sweepId, runId, cancellation);

        public Task SaveAsync(string sweepId, string runId, byte[] blob, CancellationToken cancellation = default) =>
            ++_saves == failOnSave ? throw new IOException("simulated crash") : inner.SaveAsync(sweepId, runId, blob, cancellation);

        public Task DeleteAsync(string sweepId, string runId, CancellationToken cancellation = default) =>
            inner.DeleteAsync(sweepId, runId, cancellation);
    }
}
