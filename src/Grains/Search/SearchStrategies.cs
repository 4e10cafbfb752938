using Grokking.Grains.Specs;

namespace Grokking.Grains.Search;

/// <summary>
/// The registry of search strategies: their names, the <c>search:</c> keys each reads, what each needs of the grid,
/// and how each is built. A new strategy is one class plus one entry here (and its keys in <see cref="SearchSpec"/>).
/// </summary>
public static class SearchStrategies
{
    /// <summary>Most refinement levels: each halves a cell along every refined axis.</summary>
    public const int MaxLevels = 10;

    private sealed record Entry(
        string[] Keys,
        Func<SearchSpec, IReadOnlyList<GridAxis>, SweepBudget, int, string?> Check,
        Func<SweepSpec, ISearchStrategy> Create);

    private static readonly Dictionary<string, Entry> Entries = new(StringComparer.Ordinal)
    {
        ["grid"] = new(GridSearch.Keys, (_, _, _, _) => null, spec => new GridSearch(spec)),
        ["refine"] = new(BoundarySearch.Keys, BoundarySearch.Check, spec => new BoundarySearch(spec)),
    };

    /// <summary>Accepted values of <c>search.strategy</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = Entries.Keys.ToList();

    /// <summary>The <c>search:</c> keys strategy <paramref name="name"/> reads.</summary>
    public static IReadOnlyList<string> KeysOf(string name) => Entries[name].Keys;

    /// <summary>Why the strategy cannot search this grid, or null.</summary>
    public static string? Check(SearchSpec search, IReadOnlyList<GridAxis> axes, SweepBudget budget, int maxRuns) =>
        Entries[search.Strategy].Check(search, axes, budget, maxRuns);

    /// <summary>The strategy the spec names.</summary>
    public static ISearchStrategy Create(SweepSpec spec) => Entries[spec.Search.Strategy].Create(spec);
}
