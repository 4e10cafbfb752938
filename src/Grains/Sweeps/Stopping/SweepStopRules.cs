using Grokking.Grains.Specs;

namespace Grokking.Grains.Sweeps.Stopping;

/// <summary>The sweep stop rules a spec's <c>budget:</c> asks for.</summary>
public static class SweepStopRules
{
    public static IReadOnlyList<ISweepStopRule> For(SweepBudget budget)
    {
        var rules = new List<ISweepStopRule>();
        if (budget.Runs is { } runs) rules.Add(new RunBudget(runs));
        if (budget.Hours is { } hours) rules.Add(new TimeBudget(hours));
        return rules;
    }
}
