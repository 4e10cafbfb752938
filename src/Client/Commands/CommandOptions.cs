using System.CommandLine;

namespace Grokking.Client.Commands;

/// <summary>Options several commands share.</summary>
public static class CommandOptions
{
    public static Option<string> Redis() => new("--redis")
    {
        Description = "StackExchange.Redis connection string of the cluster (password and TLS allowed). [env GROKKING_REDIS]",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("GROKKING_REDIS") ?? "",
    };

    public static Option<string> ClusterId() => new("--cluster-id")
    {
        Description = "Orleans cluster id of the silos.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("GROKKING_CLUSTER_ID") ?? "grokking",
    };

    public static Argument<string> Sweep() => new("sweep") { Description = "Sweep name (the spec's name)." };

    public static Option<string> Output() => new("--out")
    {
        Description = "Output folder for Parquet, checkpoints and (embedded) sweep state.",
        DefaultValueFactory = _ => "runs",
    };
}
