using Grokking.Training.Config;

namespace Grokking.Grains.Specs;

/// <summary>A validated sweep: the base run config, the grid axes over it, and how the sweep is run.</summary>
/// <param name="Name">The sweep id (letters, digits, - and _).</param>
/// <param name="Base">The config every run starts from before its grid values are applied.</param>
/// <param name="Axes">Grid axes in spec order.</param>
/// <param name="Accelerator">Where runs may be placed: cpu, gpu or any.</param>
/// <param name="MaxFailures">Failed runs tolerated before the sweep stops dispatching.</param>
/// <param name="SourceText">The YAML exactly as given.</param>
public sealed record SweepSpec(
    string Name,
    RunConfig Base,
    IReadOnlyList<GridAxis> Axes,
    string Accelerator,
    int MaxFailures,
    string SourceText)
{
    /// <summary>How runs are proposed: the whole grid (default) or a boundary search over it.</summary>
    public SearchSpec Search { get; init; } = SearchSpec.Grid;

    /// <summary>When the sweep stops early, keeping what finished.</summary>
    public SweepBudget Budget { get; init; } = SweepBudget.None;

    /// <summary>Number of runs: the product of the axis sizes (1 without a grid).</summary>
    public long Size => Axes.Aggregate(1L, (n, a) => n * a.Values.Count);

    /// <summary>The run at index <paramref name="index"/> whose swept settings take <paramref name="values"/> (one per axis, spec order).</summary>
    public RunSpec At(int index, IReadOnlyList<object> values)
    {
        var config = Base;
        for (int a = 0; a < Axes.Count; a++) config = SpecCatalog.ByPath[Axes[a].Path].Apply!(config, values[a]);
        return new RunSpec(Name, index, RunId.For(config),
            Axes.Select((a, i) => new KeyValuePair<string, object>(a.ShortName, values[i])).ToList(), config);
    }

    /// <summary>Every grid point as a run, index 0..N-1, axes in spec order with the last axis varying fastest.</summary>
    public IReadOnlyList<RunSpec> Expand() =>
        GridPoint.Enumerate(Base, Axes)
            .Select(p => new RunSpec(
                Name,
                p.Index,
                RunId.For(p.Config),
                Axes.Select((a, i) => new KeyValuePair<string, object>(a.ShortName, a.Values[p.Choice[i]])).ToList(),
                p.Config))
            .ToList();
}
