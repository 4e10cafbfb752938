using Grokking.Training.Config;
using Grokking.Training.Models;
using TorchSharp.Modules;

namespace Grokking.Training.Optimization;

/// <summary>Parameters that share a learning rate and weight decay.</summary>
public sealed record ParameterGroup(IReadOnlyList<Parameter> Parameters, double Lr, double WeightDecay)
{
    /// <summary>
    /// A model's parameters in two disjoint groups: its embeddings, with the embedding learning rate and decay
    /// when the optimizer sets either (Liu et al.'s toy model), and everything else with the main ones.
    /// </summary>
    public static IReadOnlyList<ParameterGroup> Split(GrokModel model, OptimizerConfig optimizer)
    {
        bool separate = optimizer.EmbeddingLr is not null || optimizer.EmbeddingWeightDecay is not null;
        var names = separate ? model.EmbeddingParameterNames : new HashSet<string>();
        var named = model.named_parameters().ToList();
        var missing = names.Except(named.Select(p => p.name)).ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException(
                $"{model.GetType().Name} names embedding parameters it does not have: {string.Join(", ", missing)}.");
        return
        [
            new ParameterGroup(named.Where(p => names.Contains(p.name)).Select(p => p.parameter).ToList(),
                optimizer.EmbeddingLr ?? optimizer.Lr, optimizer.EmbeddingWeightDecay ?? optimizer.WeightDecay),
            new ParameterGroup(named.Where(p => !names.Contains(p.name)).Select(p => p.parameter).ToList(),
                optimizer.Lr, optimizer.WeightDecay),
        ];
    }
}
