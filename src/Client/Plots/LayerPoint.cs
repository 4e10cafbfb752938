namespace Grokking.Client.Plots;

/// <summary>One layer of one run at a rank-measurement step.</summary>
public readonly record struct LayerPoint(long Step, int Layer, string LayerName, double FeatureRank, double WeightNorm);
