namespace Grokking.Silo.Hosting;

/// <summary>How this silo joins a cluster and what it offers to runs.</summary>
public sealed record SiloOptions
{
    /// <summary>Silo-to-silo port (embedded default 11111).</summary>
    public int SiloPort { get; init; } = 11111;

    /// <summary>Client gateway port (embedded default 30000).</summary>
    public int GatewayPort { get; init; } = 30000;

    /// <summary>Output folder for Parquet and, in embedded mode, checkpoints and grain state.</summary>
    public string OutDir { get; init; } = "runs";
}
