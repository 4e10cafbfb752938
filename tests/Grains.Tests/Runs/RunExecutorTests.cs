using Grokking.Grains.Checkpoints;
using Grokking.Grains.Fencing;
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
        Assert.Throws<SimulatedCrash>(() => executor.Execute(Run));
        Assert.Equal(60, Steps(_interrupted.Path).Max());

        Executor(_interrupted.Path).Execute(Run);
        AssertExactlyOnce(_interrupted.Path, 90);
        Assert.Equal(Metrics(_reference.Path), Metrics(_interrupted.Path));
    }

    [Theory]
    [InlineData("checksum")]
    [InlineData("truncated")]
    public async Task An_unreadable_checkpoint_restarts_the_run_from_step_0_with_every_step_once_and_a_note(string damage)
    {
        Executor(_reference.Path).Execute(Run);
        using var cancel = new CancellationTokenSource();
        Executor(_interrupted.Path).Execute(Run, new Progress(p => { if (p.Step >= 47) cancel.Cancel(); }), cancel.Token);
        var store = new FileCheckpointStore(_interrupted.Path);
        var path = store.PathOf(Run.SweepId, Run.RunId);
        var blob = File.ReadAllBytes(path);
        if (damage == "truncated") File.WriteAllBytes(path, blob[..(blob.Length - 100)]);
        else
        {
            blob[blob.Length / 2] ^= 0x01;
            File.WriteAllBytes(path, blob);
        }

        var notes = new List<string>();
        var outcome = Executor(_interrupted.Path).Execute(Run, onNote: notes.Add);

        Assert.Equal(90, outcome.StepsTrained);
        var note = Assert.Single(notes);
        Assert.Contains("restarted from step 0", note);
        Assert.Contains(damage, note);
        AssertExactlyOnce(_interrupted.Path, 90);
        Assert.Equal(Metrics(_reference.Path), Metrics(_interrupted.Path));
    }

    [Fact]
    public async Task A_failing_checkpoint_store_pauses_the_run_until_it_recovers_and_no_save_is_lost()
    {
        Executor(_reference.Path).Execute(Run);
        var flaky = new FlakyStore(new FileCheckpointStore(_interrupted.Path), failures: 4);
        var outcome = new RunExecutor(flaky, new MetricSegmentWriter(), _interrupted.Path).Execute(Run);

        Assert.Equal(90, outcome.StepsTrained);
        Assert.Equal(4, flaky.Failed);
        Assert.Equal(5, flaky.Saved); // checkpoints at 20, 40, 60, 80, 90: each one landed
        AssertExactlyOnce(_interrupted.Path, 90);
        Assert.Equal(Metrics(_reference.Path), Metrics(_interrupted.Path));
    }

    [Fact]
    public async Task An_attempt_replaced_mid_interval_writes_nothing_more_and_the_new_attempt_completes_the_run_exactly_once()
    {
        Executor(_reference.Path).Execute(Run);
        var fence = new FileRunFence(_interrupted.Path);

        // Attempt 1 has checkpointed at step 20 when its silo is declared dead and attempt 2 claims the run; attempt 1
        // does not know and trains on to its next write at step 40.
        var replaced = new Progress(p =>
        {
            if (p.Step >= 25) fence.ClaimAsync(Run.SweepId, Run.RunId, 2).GetAwaiter().GetResult();
        });
        var refused = Assert.Throws<FencedOutException>(() => Executor(_interrupted.Path).Execute(Run, replaced, fence: 1));

        Assert.Equal((1L, 2L), (refused.Token, refused.Current));
        Assert.Equal(20, Steps(_interrupted.Path).Max());
        Assert.Empty(Directory.GetFiles(_interrupted.Path, "*.tmp", SearchOption.AllDirectories));
        var outcome = Executor(_interrupted.Path).Execute(Run, fence: 2);
        Assert.Equal(90, outcome.StepsTrained);
        AssertExactlyOnce(_interrupted.Path, 90);
        Assert.Equal(Metrics(_reference.Path), Metrics(_interrupted.Path));
        // A stale attempt cannot even start: its claim is refused before it discards or writes anything.
        Assert.Throws<FencedOutException>(() => Executor(_interrupted.Path).Execute(Run, fence: 1));
        AssertExactlyOnce(_interrupted.Path, 90);
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

    [Fact]
    public async Task A_run_resumed_while_phase_decided_is_holding_stops_at_the_uninterrupted_step_with_every_step_once()
    {
        // The noop curve's train accuracy reaches 0.9 at step 90 and validation accuracy at step 560; held for three
        // evaluations, the run stops at 580. The interrupted one resumes from step 570, one evaluation short.
        var run = SpecParser.Parse("""
            name: executor-stop
            task: { kind: noop }
            training: { steps: 1000, eval_every: 10, rank_every: 0, checkpoint_every: 10, stop: { phase_decided: true, phase_evals: 3 } }
            """).Expand()[0];
        var reference = Executor(_reference.Path).Execute(run);
        Assert.Equal((580L, "phase_decided"), (reference.StepsTrained, reference.StopReason));

        using var cancel = new CancellationTokenSource();
        var partial = Executor(_interrupted.Path).Execute(run, new Progress(p => { if (p.Step >= 570) cancel.Cancel(); }), cancel.Token);
        Assert.Equal((570L, null), (partial.StepsTrained, partial.StopReason));
        var outcome = Executor(_interrupted.Path).Execute(run);

        Assert.Equal(reference with { WallTimeS = 0 }, outcome with { WallTimeS = 0 });
        AssertExactlyOnce(_interrupted.Path, 580);
        Assert.Equal(Metrics(_reference.Path), Metrics(_interrupted.Path));
    }

    private static RunExecutor Executor(string outDir) =>
        new(new FileCheckpointStore(outDir), new MetricSegmentWriter(), outDir);

    private static void AssertExactlyOnce(string outDir, long steps)
    {
        var row = DuckDb.Rows(
            $"SELECT count(*), count(DISTINCT step), min(step), max(step) FROM {DuckDb.Metrics(outDir)}").Single();
        Assert.Equal([steps, steps, 1L, steps], row.Select(Convert.ToInt64));
    }

    private static List<long> Steps(string outDir) =>
        DuckDb.Rows($"SELECT step FROM {DuckDb.Metrics(outDir)}").Select(r => Convert.ToInt64(r[0])).ToList();

    // Every column but wall time, which legitimately differs between executions.
    private static List<string> Metrics(string outDir) => DuckDb.Rows(
            $"SELECT * EXCLUDE (wall_time_s, sweep, run) FROM {DuckDb.Metrics(outDir)} ORDER BY step")
        .Select(r => string.Join("|", r.Select(v => v is double d ? BitConverter.DoubleToInt64Bits(d).ToString() : v.ToString())))
        .ToList();

    private static List<string> Layers(string outDir) => DuckDb.Rows(
            $"SELECT * EXCLUDE (sweep, run) FROM {DuckDb.Layers(outDir)} ORDER BY step, layer")
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

        public Task SaveAsync(string sweepId, string runId, long fence, byte[] blob, CancellationToken cancellation = default) =>
            ++_saves == failOnSave ? throw new SimulatedCrash() : inner.SaveAsync(sweepId, runId, fence, blob, cancellation);

        public Task DeleteAsync(string sweepId, string runId, CancellationToken cancellation = default) =>
            inner.DeleteAsync(sweepId, runId, cancellation);
    }

    // The process "dies": not an outage the executor would wait out, so it propagates.
    private sealed class SimulatedCrash() : Exception("simulated crash");

    // An outage: the first saves fail as if Redis were unreachable, then the store is back.
    private sealed class FlakyStore(ICheckpointStore inner, int failures) : ICheckpointStore
    {
        public int Failed { get; private set; }
        public int Saved { get; private set; }

        public Task<byte[]?> LoadAsync(string sweepId, string runId, CancellationToken cancellation = default) =>
            inner.LoadAsync(sweepId, runId, cancellation);

        public async Task SaveAsync(string sweepId, string runId, long fence, byte[] blob, CancellationToken cancellation = default)
        {
            if (Failed < failures)
            {
                Failed++;
                throw new TimeoutException("simulated outage: Redis did not answer");
            }
            await inner.SaveAsync(sweepId, runId, fence, blob, cancellation);
            Saved++;
        }

        public Task DeleteAsync(string sweepId, string runId, CancellationToken cancellation = default) =>
            inner.DeleteAsync(sweepId, runId, cancellation);
    }
}
