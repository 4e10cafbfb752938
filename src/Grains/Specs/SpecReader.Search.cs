using Grokking.Grains.Search;
using YamlDotNet.RepresentationModel;

namespace Grokking.Grains.Specs;

/// <summary>The sweep-level sections: <c>search:</c> (which strategy proposes runs) and <c>budget:</c> (when the sweep stops).</summary>
internal sealed partial class SpecReader
{
    private static readonly SpecField StrategyField = new()
    {
        Path = "search.strategy", Column = "strategy", Type = SpecFieldType.Choice, Choices = SearchStrategies.Names,
        ChoiceNoun = "search strategy",
    };

    private static readonly SpecField LevelsField = new()
    {
        Path = "search.levels", Column = "levels", Type = SpecFieldType.Integer, Min = 1, Max = SearchStrategies.MaxLevels,
    };

    private static readonly SpecField BufferField = new()
    {
        Path = "search.buffer", Column = "buffer", Type = SpecFieldType.Integer, Min = 0, Max = 3,
    };

    private static readonly SpecField LabelField = new() { Path = "search.label", Column = "label", Type = SpecFieldType.Text };

    private static readonly SpecField AboveField = new() { Path = "search.above", Column = "above", Type = SpecFieldType.Number };

    private static readonly SpecField BudgetRunsField = new()
    {
        Path = "budget.runs", Column = "runs", Type = SpecFieldType.Integer, Min = 1, Max = 100_000_000, Nullable = true,
    };

    private static readonly SpecField BudgetHoursField = new()
    {
        Path = "budget.hours", Column = "hours", Type = SpecFieldType.Number, Min = 0, MinExclusive = true, Max = 24 * 365 * 10,
        Nullable = true,
    };

    private (SearchSpec Spec, int Line)? ReadSearch(YamlNode node, int line)
    {
        if (IsNull(node)) return null;
        if (node is not YamlMappingNode mapping)
            throw Fail("search", LineOf(node), "expected a mapping such as { strategy: refine, levels: 2 }");
        var strategyNode = mapping.Children.FirstOrDefault(c => c.Key is YamlScalarNode { Value: "strategy" }).Value;
        var strategy = strategyNode is null ? "grid" : (string)ReadValue(StrategyField, strategyNode, "search.strategy")!;
        var accepted = SearchStrategies.KeysOf(strategy);
        var search = new SearchSpec(strategy);
        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = KeyText(keyNode, "search.");
            var path = $"search.{key}";
            if (!accepted.Contains(key))
            {
                var owner = SearchStrategies.Names.FirstOrDefault(n => SearchStrategies.KeysOf(n).Contains(key));
                throw Fail(path, LineOf(keyNode), owner is not null
                    ? $"applies to strategy '{owner}', not '{strategy}'; keys of '{strategy}': {string.Join(", ", accepted)}"
                    : KeySuggestion.Unknown(key, accepted));
            }
            search = key switch
            {
                "strategy" => search,
                "levels" => search with { Levels = (int)(long)ReadValue(LevelsField, value, path)! },
                "buffer" => search with { Buffer = (int)(long)ReadValue(BufferField, value, path)! },
                "label" => search with { Label = (string)ReadValue(LabelField, value, path)! },
                "above" => search with { Above = (double)ReadValue(AboveField, value, path)! },
                _ => throw new InvalidOperationException($"search key '{key}' is listed but not read"),
            };
        }
        if (search.Strategy != "grid")
        {
            var (_, problem) = OutcomeLabel.For(search.Label, search.Above);
            if (problem is not null)
            {
                var labelLine = mapping.Children.FirstOrDefault(c => c.Key is YamlScalarNode { Value: "label" }).Key;
                throw Fail("search.label", labelLine is null ? line : LineOf(labelLine), problem);
            }
        }
        return (search, line);
    }

    private SweepBudget ReadBudget(YamlNode node)
    {
        if (IsNull(node)) return SweepBudget.None;
        if (node is not YamlMappingNode mapping)
            throw Fail("budget", LineOf(node), "expected a mapping such as { runs: 200 } or { hours: 12 }");
        string[] accepted = ["runs", "hours"];
        var budget = SweepBudget.None;
        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = KeyText(keyNode, "budget.");
            budget = key switch
            {
                "runs" => budget with { Runs = (int?)(long?)ReadValue(BudgetRunsField, value, "budget.runs") },
                "hours" => budget with { Hours = (double?)ReadValue(BudgetHoursField, value, "budget.hours") },
                _ => throw Fail($"budget.{key}", LineOf(keyNode), KeySuggestion.Unknown(key, accepted)),
            };
        }
        return budget;
    }

    /// <summary>Checks the search against the grid it searches: what the strategy needs of the axes, and the largest
    /// number of runs it could propose.</summary>
    private void CheckSearch(SearchSpec search, int line, IReadOnlyList<GridAxis> axes, SweepBudget budget)
    {
        if (SearchStrategies.Check(search, axes, budget, limits.MaxGridSize) is { } problem)
            throw Fail("search", line, problem);
    }
}
