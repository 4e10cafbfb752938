using Grokking.Grains.Contracts;
using Grokking.Grains.Specs;

namespace Grokking.Grains.Search;

/// <summary>
/// Proposes a sweep's runs, all at once (a grid) or as results arrive (a boundary search). The sweep asks it again
/// whenever a run finishes; what it proposes must depend only on the finished runs' outcomes, so that the same outcomes
/// always give the same runs (DESIGN.md, invariant 3, for runs added late). The sweep persists each proposal's
/// <see cref="LatticePlace.Key"/> and rebuilds the runs with <see cref="Restore"/>, so a resumed sweep lists exactly
/// the runs it had, whatever it would propose now.
/// </summary>
public interface ISearchStrategy
{
    /// <summary>The runs to start with, indexed from 0.</summary>
    IReadOnlyList<RunSpec> Initial();

    /// <summary>
    /// Runs to add now, indexed from <c>runs.Count</c>; none while the search waits for runs to finish or once it is
    /// done. <paramref name="recordOf"/> gives each run's current record.
    /// </summary>
    SearchStep Next(IReadOnlyList<RunSpec> runs, Func<RunSpec, RunRecord> recordOf);

    /// <summary>The run this search proposed under <paramref name="key"/>, at position <paramref name="index"/>.</summary>
    RunSpec Restore(string key, int index);
}

/// <summary>One answer of a search.</summary>
/// <param name="Added">New runs, in order (empty when none).</param>
/// <param name="Complete">True when the search will propose nothing more, whatever finishes.</param>
/// <param name="Progress">One line for status and progress views, e.g. "refining: level 2 of 4, 37 runs so far, budget 120".</param>
public sealed record SearchStep(IReadOnlyList<RunSpec> Added, bool Complete, string Progress);
