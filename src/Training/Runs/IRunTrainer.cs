using Grokking.Training.Metrics;

namespace Grokking.Training.Runs;

/// <summary>One run's step loop as the executor sees it: train to a step, checkpoint, report the outcome.</summary>
public interface IRunTrainer : IDisposable
{
    /// <summary>Steps completed.</summary>
    long Step { get; }

    /// <summary>True once the step budget is spent, a stopping rule fired or the loss diverged.</summary>
    bool IsFinished { get; }

    /// <summary>The outcome as far as the run has got.</summary>
    RunOutcome Outcome { get; }

    /// <summary>Seconds of training so far, across every attempt of the run.</summary>
    double WallTimeS { get; }

    /// <summary>Latest full-evaluation train and validation accuracy (NaN before the first evaluation).</summary>
    (double TrainAcc, double ValAcc) LatestAccuracy { get; }

    /// <summary>Trains until <paramref name="untilStep"/> or the end, appending metric rows; honours cancellation at step boundaries.</summary>
    void TrainUntil(long untilStep, ICollection<StepMetrics> steps, ICollection<LayerMetrics> layers, CancellationToken cancellation = default);

    /// <summary>Everything needed to continue exactly where the run is now.</summary>
    byte[] SaveCheckpoint();
}
