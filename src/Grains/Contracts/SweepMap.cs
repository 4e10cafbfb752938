namespace Grokking.Grains.Contracts;

/// <summary>
/// Where each run of a sweep sits: the swept axes and every run's coordinates on them (and, for a boundary search,
/// the cell it stands for). What a live view needs to place runs before they have results; it only grows.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SweepMap
{
    [Id(0)] public string SweepId { get; init; } = "";

    /// <summary>The grid axes in spec order.</summary>
    [Id(1)] public IReadOnlyList<MapAxis> Axes { get; init; } = [];

    /// <summary>Every run proposed so far, in run-index order.</summary>
    [Id(2)] public IReadOnlyList<MapPoint> Points { get; init; } = [];
}

/// <summary>One swept setting: its runs.parquet column and its values in spec order.</summary>
[GenerateSerializer, Immutable]
public sealed record MapAxis
{
    [Id(0)] public string Name { get; init; } = "";

    /// <summary>Each spec value as text (<c>0.001</c>, <c>x+y</c>, <c>true</c>).</summary>
    [Id(1)] public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>Each spec value as a number; NaN for a value that is not one (a categorical axis).</summary>
    [Id(2)] public IReadOnlyList<double> Numbers { get; init; } = [];

    /// <summary>True for a <c>log_range</c> axis, false for a <c>range</c>; null for a list (the viewer decides from its spacing).</summary>
    [Id(3)] public bool? Log { get; init; }
}

/// <summary>One run's place: per axis, its number (or, on a categorical axis, the index of its label).</summary>
[GenerateSerializer, Immutable]
public sealed record MapPoint
{
    [Id(0)] public string RunId { get; init; } = "";
    [Id(1)] public int Index { get; init; }
    [Id(2)] public IReadOnlyList<double> Coordinates { get; init; } = [];

    /// <summary>A boundary search's cell per axis (NaN on axes it does not refine); null for a grid run.</summary>
    [Id(3)] public IReadOnlyList<double>? CellLo { get; init; }
    [Id(4)] public IReadOnlyList<double>? CellHi { get; init; }

    /// <summary>The search level that added the run (0: the coarse grid); null for a grid run.</summary>
    [Id(5)] public int? Level { get; init; }
}
