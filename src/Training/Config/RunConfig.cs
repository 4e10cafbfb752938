namespace Grokking.Training.Config;

/// <summary>Everything that determines one training run, fully resolved (one grid point).</summary>
public sealed record RunConfig
{
    public TaskConfig Task { get; init; } = new();

    public ModelConfig Model { get; init; } = new();

    public OptimizerConfig Optimizer { get; init; } = new();

    public TrainingConfig Training { get; init; } = new();

    /// <summary>Seeds initialisation, data split, data order and dropout.</summary>
    public long Seed { get; init; }
}
