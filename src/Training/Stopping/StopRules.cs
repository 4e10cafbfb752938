using Grokking.Training.Config;

namespace Grokking.Training.Stopping;

/// <summary>The stopping rules a run's config asks for. A new rule is its class, its spec keys and one line here.</summary>
public static class StopRules
{
    /// <summary>The stop reason of a run whose training loss became NaN or infinite (not a rule: the run cannot go on).</summary>
    public const string Diverged = "diverged";

    /// <summary>The rules <paramref name="training"/> sets, in a fixed order: the first that fires names the stop reason
    /// when several fire on the same evaluation, and a checkpoint stores their states in this order.</summary>
    public static IReadOnlyList<IStopRule> For(TrainingConfig training)
    {
        var rules = new List<IStopRule>();
        if (training.StopValAcc is { } target) rules.Add(new ValAccHold(target, training.StopEvals));
        if (training.StopValLoss is { } level) rules.Add(new ValLossBelow(level));
        if (training.StopPhaseDecided) rules.Add(new PhaseDecided(training.PhaseThreshold, training.StopPhaseEvals));
        return rules;
    }
}
