namespace Grokking.Grains.Specs;

/// <summary>
/// The spec's <c>search:</c> section: which strategy proposes the sweep's runs, and its options. Each strategy lists
/// the keys it reads in <see cref="Search.SearchStrategies"/>; a key another strategy reads is refused with its name.
/// </summary>
/// <param name="Strategy"><c>grid</c> (every grid point, the default) or <c>refine</c> (boundary refinement).</param>
public sealed record SearchSpec(string Strategy)
{
    /// <summary>Every grid point once: the default.</summary>
    public static readonly SearchSpec Grid = new("grid");

    /// <summary>refine: how many times a cell next to a boundary may be halved along every refined axis (1..10).</summary>
    public int Levels { get; init; } = 2;

    /// <summary>refine: what a boundary separates: <c>phase</c> or another runs.parquet column.</summary>
    public string Label { get; init; } = "phase";

    /// <summary>refine: with a numeric <see cref="Label"/> column, the level that splits its values into two labels
    /// (at or above, below); null for a categorical column.</summary>
    public double? Above { get; init; }

    /// <summary>refine: active cells around each cell whose corners disagree that are refined too.</summary>
    public int Buffer { get; init; } = 1;

    /// <summary>The options as one line, part of the sweep's fingerprint and of status output.</summary>
    public string Describe() => Strategy == "grid"
        ? "grid"
        : $"{Strategy} levels={Levels} label={Label}{(Above is { } a ? $" above={a:R}" : "")} buffer={Buffer}";
}
