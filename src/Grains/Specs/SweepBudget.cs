namespace Grokking.Grains.Specs;

/// <summary>The spec's <c>budget:</c> section: when a sweep stops, keeping what finished (see <see cref="Sweeps.Stopping.SweepStopRules"/>).</summary>
/// <param name="Runs">Most runs the sweep starts (a boundary search also proposes no more); null for no limit.</param>
/// <param name="Hours">Hours after the sweep was submitted or last resumed at which it cancels what still runs and
/// starts nothing more; null for no limit.</param>
public sealed record SweepBudget(int? Runs, double? Hours)
{
    public static readonly SweepBudget None = new(null, null);

    public string Describe() => $"runs={Runs?.ToString() ?? "-"} hours={Hours?.ToString("R") ?? "-"}";
}
