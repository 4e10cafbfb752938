namespace Grokking.Grains.Runs;

/// <summary>Names under which grain state is stored.</summary>
public static class GrainStorageNames
{
    /// <summary>The grain storage provider (Redis in a cluster, files in embedded mode).</summary>
    public const string Provider = "grokking";

    /// <summary>State name of a run grain's <see cref="Contracts.RunRecord"/>.</summary>
    public const string Run = "run";

    /// <summary>State name of a sweep grain's spec and flags.</summary>
    public const string Sweep = "sweep";
}
