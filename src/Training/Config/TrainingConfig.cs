namespace Grokking.Training.Config;

/// <summary>The step loop: budget, batch, measurement cadence, outcome thresholds.</summary>
public sealed record TrainingConfig
{
    public int Steps { get; init; } = 10_000;

    /// <summary>Examples per step; <see cref="FullBatch"/> (0) or <see cref="PowerBatch"/> (-1) for a rule.</summary>
    public int BatchSize { get; init; } = 512;

    /// <summary><see cref="BatchSize"/> meaning every training example at every step.</summary>
    public const int FullBatch = 0;

    /// <summary><see cref="BatchSize"/> meaning openai/grok's rule min(512, ⌈N_train / 2⌉) (grok/data.py:435).</summary>
    public const int PowerBatch = -1;

    /// <summary>The examples per step for <paramref name="trainCount"/> training examples.</summary>
    public long BatchFor(long trainCount) => BatchSize switch
    {
        FullBatch => trainCount,
        PowerBatch => Math.Min(512, (trainCount + 1) / 2),
        _ => Math.Min(BatchSize, trainCount),
    };

    /// <summary>float32, or float64 for the log-softmax of the cross-entropy only (Nanda et al.'s high-precision loss).</summary>
    public string LossPrecision { get; init; } = "float32";

    /// <summary>runs.parquet's step_val_loss_below is the first evaluation with validation loss below this (Nanda et al.: 0.1).</summary>
    public double ValLossLevel { get; init; } = 0.1;

    /// <summary>Full train and validation evaluation every this many steps (and at step 1).</summary>
    public int EvalEvery { get; init; } = 100;

    /// <summary>Per-layer feature rank, weight norm and RQI every this many steps (0 = never).</summary>
    public int RankEvery { get; init; } = 1000;

    /// <summary>Steps between checkpoints (and Parquet segments).</summary>
    public int CheckpointEvery { get; init; } = 1000;

    /// <summary>float32 or float64.</summary>
    public string Dtype { get; init; } = "float32";

    /// <summary>Validation inputs used as the fixed probe set for feature rank.</summary>
    public int ProbeSize { get; init; } = 512;

    /// <summary>Accuracy threshold of Liu et al.'s phase classification.</summary>
    public double PhaseThreshold { get; init; } = 0.9;

    /// <summary>Steps between train and validation threshold that separate comprehension from grokking.</summary>
    public int PhaseGap { get; init; } = 1000;

    /// <summary>Stop early once validation accuracy holds this value for <see cref="StopEvals"/> evaluations (null = no such rule).</summary>
    public double? StopValAcc { get; init; }

    /// <summary>Stop at the first evaluation whose validation loss is below this (null = never); Nanda et al.'s sweep reads 0.1.</summary>
    public double? StopValLoss { get; init; }

    /// <summary>Consecutive evaluations the validation accuracy must hold <see cref="StopValAcc"/>.</summary>
    public int StopEvals { get; init; } = 5;

    /// <summary>Stop once Liu et al.'s phase can no longer change: train and validation accuracy have each reached
    /// <see cref="PhaseThreshold"/> at some evaluation (see <see cref="Stopping.PhaseDecided"/>).</summary>
    public bool StopPhaseDecided { get; init; }

    /// <summary>Evaluations, counted from the one that decided the phase, before <see cref="StopPhaseDecided"/> stops the run (1 = at once).</summary>
    public int StopPhaseEvals { get; init; } = 1;

    /// <summary>Keep the final checkpoint (the trained weights) after the run is done; by default it is deleted
    /// once the final metrics are durable, so a thousand-run sweep does not keep a thousand models in Redis.</summary>
    public bool KeepFinalCheckpoint { get; init; }
}
