namespace Grokking.Training.Config;

/// <summary>AdamW with linear warmup.</summary>
public sealed record OptimizerConfig
{
    /// <summary>Only adamw is supported.</summary>
    public string Name { get; init; } = "adamw";

    public double Lr { get; init; } = 1e-3;

    public double WeightDecay { get; init; } = 1.0;

    public double Beta1 { get; init; } = 0.9;

    public double Beta2 { get; init; } = 0.98;

    public double Eps { get; init; } = 1e-8;

    /// <summary>Steps over which the learning rate rises linearly to its full value.</summary>
    public int WarmupSteps { get; init; } = 10;

    /// <summary>origin (standard AdamW) or init (decay toward the initial weights).</summary>
    public string DecayToward { get; init; } = "origin";

    /// <summary>Toy model: learning rate of the embeddings (the rest uses <see cref="Lr"/>); null means Lr.</summary>
    public double? EmbeddingLr { get; init; }

    /// <summary>Toy model: weight decay of the embeddings; null means WeightDecay.</summary>
    public double? EmbeddingWeightDecay { get; init; }
}
