using Grokking.Grains.Checkpoints;
using Grokking.Grains.Fencing;
using Grokking.Grains.Metrics;
using Grokking.Grains.Specs;
using Grokking.Training.Metrics;
using Grokking.Training.Runs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Grokking.Grains.Runs;

/// <summary>
/// Drives one run to completion with the exactly-once protocol of DESIGN.md: the metrics of each checkpoint
/// interval are flushed as one Parquet segment, and only once that segment is durable is the checkpoint for the
/// interval's last step written. On resume from checkpoint c, segments starting after c are discarded first.
/// Training is synchronous tensor work: <see cref="Execute"/> runs entirely on the calling thread (a dedicated
/// engine thread, never the Orleans scheduler), blocking on the segment and checkpoint writes, so the trainer's
/// tensors never migrate between threads.
/// <para>
/// One writer per attempt (invariant 6): an attempt first claims its fence token, before it discards anything, and
/// every segment, discard and checkpoint it writes carries the token. When a newer attempt has claimed a greater one
/// (this attempt's silo was declared dead but still runs), the store refuses the write; the refusal is logged and
/// <see cref="FencedOutException"/> ends the attempt without anything more written.
/// </para>
/// <para>
/// Faults: a storage operation that fails for a reason that can pass (Redis unreachable or timing out, an I/O error)
/// is retried with backoff until it succeeds, so the run pauses while its store is down and continues when it is back;
/// nothing is dropped. Only cancellation ends the wait (the run then resumes later from its last saved checkpoint). A
/// checkpoint that is unreadable (bad checksum, truncated, another format version) is deleted and the run restarts
/// from step 0, which the exactly-once rule makes safe: every segment after step 0 is discarded first. The restart is
/// logged and reported through <paramref name="onNote"/> (the silo puts it in runs.parquet's note column).
/// </para>
/// </summary>
/// <param name="giveUpAfter">How long a failing storage operation is retried before the run fails with its error; null
/// (a silo) retries until the store is back, a foreground <c>grokking train</c> gives up and says why.</param>
/// <param name="runFence">Where attempts claim their tokens; by default the fence files under <paramref name="outDir"/>
/// (one machine, or a silo whose checkpoints are files too).</param>
public sealed class RunExecutor(ICheckpointStore checkpoints, MetricSegmentWriter segments, string outDir, ILogger? logger = null,
    TimeSpan? giveUpAfter = null, IRunFence? runFence = null)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly IRunFence _fence = runFence ?? new FileRunFence(outDir);

    /// <summary>Trains <paramref name="run"/> from its latest checkpoint (or from scratch) until finished or cancelled.</summary>
    /// <param name="onNote">Told of operational events worth keeping with the run (a checkpoint that had to be discarded).</param>
    /// <param name="fence">This attempt's fence token, granted by the run grain; null makes this a new attempt with the
    /// token after the run's current one (a foreground run that holds the output folder to itself).</param>
    /// <returns>The outcome so far; <see cref="RunOutcome.StepsTrained"/> tells whether the run finished.</returns>
    /// <exception cref="OperationCanceledException">Cancelled while waiting for the fence or the checkpoint store.</exception>
    /// <exception cref="FencedOutException">A newer attempt owns the run; this one wrote nothing after it was replaced.</exception>
    public RunOutcome Execute(RunSpec run, IProgress<RunProgress>? progress = null, CancellationToken cancellation = default,
        Action<string>? onNote = null, long? fence = null)
    {
        long token = fence ?? (Durably(run, "read the fence token", () => _fence.CurrentAsync(run.SweepId, run.RunId, cancellation), cancellation)
            ?? throw new OperationCanceledException(cancellation)).Value + 1;
        // The claim comes first: from here on no earlier attempt can publish a segment or checkpoint, so the discard
        // below cannot race one that is still writing.
        if (!Durably(run, $"claim fence token {token}", () => _fence.ClaimAsync(run.SweepId, run.RunId, token, CancellationToken.None), cancellation))
            throw new OperationCanceledException(cancellation);
        var blob = Durably(run, "load the checkpoint", () => checkpoints.LoadAsync(run.SweepId, run.RunId, cancellation), cancellation)
            ?? throw new OperationCanceledException(cancellation);
        using var trainer = Open(run, blob.Value, onNote, cancellation);
        if (trainer.Step > 0)
            _logger.LogInformation("Run {Run} of sweep {Sweep} resumes from its checkpoint at step {Step}", run.RunId, run.SweepId, trainer.Step);
        if (!Durably(run, $"discard the segments after step {trainer.Step}", () =>
            {
                segments.DiscardAfter(outDir, run.SweepId, run.RunId, token, trainer.Step);
                return Task.CompletedTask;
            }, cancellation))
            return trainer.Outcome;

        var t = run.Config.Training;
        while (!trainer.IsFinished && !cancellation.IsCancellationRequested)
        {
            long boundary = (trainer.Step / t.CheckpointEvery + 1) * t.CheckpointEvery;
            var steps = new List<StepMetrics>();
            var layers = new List<LayerMetrics>();
            while (trainer.Step < boundary && !trainer.IsFinished && !cancellation.IsCancellationRequested)
            {
                // Train in evaluation-sized chunks so progress is reported between checkpoints.
                long next = Math.Min(boundary, (trainer.Step / t.EvalEvery + 1) * t.EvalEvery);
                trainer.TrainUntil(next, steps, layers, cancellation);
                if (trainer.Step < boundary && !trainer.IsFinished) progress?.Report(Progress(run, trainer, false));
            }
            if (steps.Count == 0) break;
            // Segment first, checkpoint second (DESIGN invariant 1). A write still failing when the run is stopped
            // leaves the run at its previous checkpoint; the segments after it are discarded on resume.
            if (!Durably(run, $"write the metrics segment from step {steps[0].Step} to {trainer.Step}",
                    () => segments.WriteAsync(outDir, run.SweepId, run.RunId, token, steps, layers, CancellationToken.None), cancellation))
                break;
            var checkpoint = trainer.SaveCheckpoint();
            if (!Durably(run, $"save the checkpoint at step {trainer.Step}",
                    () => checkpoints.SaveAsync(run.SweepId, run.RunId, token, checkpoint, CancellationToken.None), cancellation))
                break;
            progress?.Report(Progress(run, trainer, true));
        }
        return trainer.Outcome;
    }

    private IRunTrainer Open(RunSpec run, byte[]? blob, Action<string>? onNote, CancellationToken cancellation)
    {
        if (blob is null) return RunTrainers.Create(run.Config);
        try
        {
            return RunTrainers.Resume(run.Config, blob);
        }
        catch (InvalidDataException e)
        {
            var note = $"checkpoint unusable ({e.Message}); restarted from step 0";
            _logger.LogWarning("Run {Run} of sweep {Sweep}: {Note}", run.RunId, run.SweepId, note);
            onNote?.Invoke(note);
            Durably(run, "delete the unusable checkpoint", () => checkpoints.DeleteAsync(run.SweepId, run.RunId, CancellationToken.None), cancellation);
            return RunTrainers.Create(run.Config);
        }
    }

    /// <summary>Runs a storage operation until it succeeds; false if <paramref name="cancellation"/> stopped the retries.</summary>
    private bool Durably(RunSpec run, string what, Func<Task> operation, CancellationToken cancellation) =>
        Durably<bool>(run, what, async () =>
        {
            await operation();
            return true;
        }, cancellation) is not null;

    private Box<T>? Durably<T>(RunSpec run, string what, Func<Task<T>> operation, CancellationToken cancellation)
    {
        var started = DateTime.UtcNow;
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                var value = Wait(operation());
                if (attempt > 0)
                    _logger.LogInformation("Run {Run}: could {What} after {Attempts} attempts over {Seconds:F0} s; continuing",
                        run.RunId, what, attempt + 1, (DateTime.UtcNow - started).TotalSeconds);
                return new Box<T>(value);
            }
            catch (FencedOutException e)
            {
                _logger.LogWarning("Run {Run} of sweep {Sweep}: refused to {What}: this attempt holds fence token {Token} but the run's "
                    + "current token is {Current}; a newer attempt owns the run, so this one stops here without reporting over it",
                    run.RunId, run.SweepId, what, e.Token, e.Current);
                throw;
            }
            catch (Exception e) when (IsTransient(e) && !(DateTime.UtcNow - started > giveUpAfter))
            {
                if (cancellation.IsCancellationRequested)
                {
                    _logger.LogWarning("Run {Run}: stopped while unable to {What} ({Error}); it resumes from its last saved checkpoint",
                        run.RunId, what, e.Message);
                    return null;
                }
                // Every failure is logged; after the first few, only every tenth, so a long outage does not flood the log.
                if (attempt < 3 || attempt % 10 == 0)
                    _logger.LogWarning("Run {Run} paused: cannot {What} (attempt {Attempt}: {Error}); retrying", run.RunId, what, attempt + 1, e.Message);
                var backoff = TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(attempt, 10))));
                cancellation.WaitHandle.WaitOne(backoff);
            }
        }
    }

    /// <summary>Faults that can pass: the store is unreachable, slow or failing I/O. Anything else is a bug or bad data.</summary>
    /// <remarks>A missing folder or path that is too long will not fix itself; those fail the run at once.</remarks>
    public static bool IsTransient(Exception e) =>
        e is RedisException or TimeoutException
        || e is IOException and not (DirectoryNotFoundException or FileNotFoundException or PathTooLongException);

    private sealed record Box<T>(T Value);

    /// <summary>Runs <see cref="Execute"/> on a dedicated thread of its own.</summary>
    public Task<RunOutcome> ExecuteAsync(RunSpec run, IProgress<RunProgress>? progress = null, CancellationToken cancellation = default,
        Action<string>? onNote = null) =>
        Task.Factory.StartNew(() => Execute(run, progress, cancellation, onNote), cancellation, TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

    private static void Wait(Task task) => task.GetAwaiter().GetResult();

    private static T Wait<T>(Task<T> task) => task.GetAwaiter().GetResult();

    private static RunProgress Progress(RunSpec run, IRunTrainer trainer, bool checkpointed)
    {
        var outcome = trainer.Outcome;
        var (trainAcc, valAcc) = trainer.LatestAccuracy;
        return new RunProgress(run.RunId, trainer.Step, run.Config.Training.Steps, trainAcc, valAcc, outcome.StepTrain99,
            outcome.StepVal99, trainer.WallTimeS, checkpointed);
    }
}
