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
    RunConfig Config);
