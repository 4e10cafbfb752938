namespace Grokking.Silo.Hosting;

/// <summary>How this silo joins a cluster and what it offers to runs.</summary>
public sealed record SiloOptions
{
    /// <summary>StackExchange.Redis connection string; null runs the embedded mode (localhost, no Redis).</summary>
    public string? Redis { get; init; }

    /// <summary>Output folder for Parquet and, in embedded mode, checkpoints and grain state.</summary>
    public string OutDir { get; init; } = "runs";

    /// <summary>Runs trained at once on this silo.</summary>
    public int Slots { get; init; } = 1;

    /// <summary>cpu or gpu; null detects it from TorchSharp.</summary>
    public string? Accelerator { get; init; }

    /// <summary>torch intra-op threads for the process (0 = torch's default).</summary>
    public int TorchThreads { get; init; }

    /// <summary>Address other silos and clients use to reach this silo (cluster mode); null = this host's first address.</summary>
    public string? AdvertisedAddress { get; init; }

    public int SiloPort { get; init; } = 11111;

    public int GatewayPort { get; init; } = 30000;

    /// <summary>Orleans cluster id: silos and clients with the same id and Redis form one cluster.</summary>
    public string ClusterId { get; init; } = "grokking";

    /// <summary>This silo's name in logs and the membership table (on Kubernetes: the pod name); null = Orleans' default.</summary>
    public string? Name { get; init; }

    /// <summary>Port of the HTTP health endpoint (/healthz/live, /healthz/ready) in cluster mode; 0 turns it off.</summary>
    public int HealthPort { get; init; } = 8080;

    /// <summary>Address the health endpoint listens on: "+" (every address, for the kubelet) or one IP, e.g. 127.0.0.1.</summary>
    public string HealthAddress { get; init; } = "+";

    /// <summary>Memory this silo's runs may use together (bytes); null: 80% of the machine's or container's memory less 512 MiB.</summary>
    public long? MemoryBudget { get; init; }

    /// <summary>Mutual TLS between silos and with clients; null: plain TCP.</summary>
    public ClusterTls? Tls { get; init; }

    public bool IsEmbedded => string.IsNullOrWhiteSpace(Redis);
}
