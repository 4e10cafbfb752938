using Grokking.Training.Config;

namespace Grokking.Grains.Contracts;

/// <summary>What a sweep hands a run grain: the run's resolved configuration (not the spec: a silo parses nothing) and its limits.</summary>
[GenerateSerializer]
public sealed record RunAssignment
{
    [Id(0)] public string SweepId { get; init; } = "";
    [Id(1)] public string RunId { get; init; } = "";

    /// <summary>The run's position in its sweep.</summary>
    [Id(2)] public int Index { get; init; }

    /// <summary>The run's resolved configuration (sent as <see cref="RunConfigSurrogate"/>).</summary>
    [Id(3)] public RunConfig Config { get; init; } = new();

    /// <summary>What the run tolerates before it ends Failed.</summary>
    [Id(4)] public RunLimits Limits { get; init; } = new();

    /// <summary>Clears a Cancelled or Failed state (resume).</summary>
    [Id(5)] public bool Reopen { get; init; }
}
