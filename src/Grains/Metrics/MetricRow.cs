using Grokking.Training.Metrics;

namespace Grokking.Grains.Metrics;

/// <summary>One row of the metrics dataset: a step's measurements and the sweep and run they belong to.</summary>
public readonly record struct MetricRow(string SweepId, string RunId, StepMetrics Step);
