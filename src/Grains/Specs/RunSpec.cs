using Grokking.Training.Config;

namespace Grokking.Grains.Specs;

/// <summary>One grid point of a sweep: its position, its content-derived id, the swept values and the full config.</summary>
/// <param name="SweepId">The sweep's name.</param>
/// <param name="Index">Position in the expansion, 0..N-1 (last axis varies fastest).</param>
/// <param name="RunId">Hash of the full resolved config, see <see cref="Specs.RunId"/>.</param>
/// <param name="Parameters">Axis short name to value, in axis order.</param>
/// <param name="Config">The resolved configuration of this run.</param>
public sealed record RunSpec(
    string SweepId,
    int Index,
    string RunId,
    IReadOnlyList<KeyValuePair<string, object>> Parameters,
    RunConfig Config)
{
    /// <summary>Where a boundary search put this run (null for a plain grid run).</summary>
    public LatticePlace? Place { get; init; }
}

/// <summary>A run's place on a boundary search's lattice: the level that added it and the cell it stands for.</summary>
/// <param name="Key">The lattice coordinates as text (<c>k1,k2,...</c> on the finest level, then <c>/r</c> for the
/// replica: the combination of the axes that are not refined); persisted, and enough to rebuild the run.</param>
/// <param name="Level">0 for the coarse grid, L for the finest lattice.</param>
/// <param name="Cells">Per refined axis (spec order): the axis column and the extent of the run's cell in the axis's
/// values (a log axis's bounds are geometric midpoints): the region a phase diagram paints for it.</param>
public sealed record LatticePlace(string Key, int Level, IReadOnlyList<CellExtent> Cells);

/// <summary>One side of a run's cell: from <paramref name="Lo"/> to <paramref name="Hi"/> along axis <paramref name="Axis"/>.</summary>
public sealed record CellExtent(string Axis, double Lo, double Hi);
