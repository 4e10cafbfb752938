using TorchSharp.Modules;

namespace Grokking.Training.Optimization;

/// <summary>Parameters that share a learning rate and weight decay.</summary>
public sealed record ParameterGroup(IReadOnlyList<Parameter> Parameters, double Lr, double WeightDecay);
