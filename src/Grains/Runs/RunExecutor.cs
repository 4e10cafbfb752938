using Grokking.Grains.Checkpoints;
using Grokking.Grains.Metrics;
using Grokking.Grains.Specs;
using Grokking.Training.Metrics;
using Grokking.Training.Runs;

namespace Grokking.Grains.Runs;

/// <summary>
/// Drives one run to completion with the exactly-once protocol of DESIGN.md: the metrics of each checkpoint
/// interval are flushed as one Parquet segment, and only once that segment is durable is the checkpoint for the
/// interval's last step written. On resume from checkpoint c, segments starting after c are discarded first.
/// Training is synchronous tensor work: <see cref="Execute"/> runs entirely on the calling thread (a dedicated
/// engine thread, never the Orleans scheduler), blocking on the segment and checkpoint writes, so the trainer's
/// tensors never migrate between threads.
/// </summary>
public sealed class RunExecutor(ICheckpointStore checkpoints, MetricSegmentWriter segments, string outDir)
{
    /// <summary>Trains <paramref name="run"/> from its latest checkpoint (or from scratch) until finished or cancelled.</summary>
    /// <returns>The outcome so far; <see cref="RunOutcome.StepsTrained"/> tells whether the run finished.</returns>
    public RunOutcome Execute(RunSpec run, IProgress<RunProgress>? progress = null, CancellationToken cancellation = default)
    {
        var blob = Wait(checkpoints.LoadAsync(run.SweepId, run.RunId, cancellation));
        using var trainer = blob is null ? RunTrainers.Create(run.Config) : RunTrainers.Resume(run.Config, blob);
        segments.DiscardAfter(outDir, run.SweepId, run.RunId, trainer.Step);

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
            Wait(segments.WriteAsync(outDir, run.SweepId, run.RunId, steps, layers, CancellationToken.None));
            Wait(checkpoints.SaveAsync(run.SweepId, run.RunId, trainer.SaveCheckpoint(), CancellationToken.None));
            progress?.Report(Progress(run, trainer, true));
        }
        return trainer.Outcome;
    }

    /// <summary>Runs <see cref="Execute"/> on a dedicated thread of its own.</summary>
    public Task<RunOutcome> ExecuteAsync(RunSpec run, IProgress<RunProgress>? progress = null, CancellationToken cancellation = default) =>
        Task.Factory.StartNew(() => Execute(run, progress, cancellation), cancellation, TaskCreationOptions.LongRunning,
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
