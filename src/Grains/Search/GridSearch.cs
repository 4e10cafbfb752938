using Grokking.Grains.Contracts;
using Grokking.Grains.Specs;

namespace Grokking.Grains.Search;

/// <summary>Every grid point, in grid order (the last axis varies fastest); with a run budget, the first that many.</summary>
public sealed class GridSearch(SweepSpec spec) : ISearchStrategy
{
    /// <summary>The spec keys this strategy reads under <c>search:</c>.</summary>
    public static readonly string[] Keys = ["strategy"];

    public IReadOnlyList<RunSpec> Initial()
    {
        var all = spec.Expand();
        return spec.Budget.Runs is { } most && most < all.Count ? all.Take(most).ToList() : all;
    }

    public SearchStep Next(IReadOnlyList<RunSpec> runs, Func<RunSpec, RunRecord> recordOf) =>
        new([], true, $"grid: {runs.Count} runs{(spec.Budget.Runs is { } most && most < spec.Size ? $" (budget {most} of {spec.Size})" : "")}");

    public RunSpec Restore(string key, int index) =>
        throw new InvalidOperationException($"a grid search adds no runs after its first; cannot restore '{key}'");
}
