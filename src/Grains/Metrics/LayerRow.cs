using Grokking.Training.Metrics;

namespace Grokking.Grains.Metrics;

/// <summary>One row of the layers dataset: a layer's measurements at one step and the sweep and run they belong to.</summary>
public readonly record struct LayerRow(string SweepId, string RunId, LayerMetrics Layer);
