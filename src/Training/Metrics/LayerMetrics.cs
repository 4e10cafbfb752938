namespace Grokking.Training.Metrics;

/// <summary>One row of the layers dataset: feature rank and weight norm of one layer at one step.</summary>
public readonly record struct LayerMetrics(long Step, int Layer, string LayerName, long FeatureRank, double WeightNorm);
