using System.CommandLine;
using System.Globalization;

namespace Grokking.Silo.Hosting;

/// <summary>The silo's flags; each falls back to a GROKKING_* environment variable (how Kubernetes sets them).</summary>
public static class SiloCommandLine
{
    public static RootCommand Create(Func<SiloOptions, CancellationToken, Task<int>> run)
    {
        // No default value for --redis: help prints defaults, and GROKKING_REDIS holds the password. Read in the action.
        var redis = new Option<string?>("--redis")
        {
            Description = "StackExchange.Redis connection string (password and TLS allowed); omit for the embedded mode. [env GROKKING_REDIS]",
        };
        var output = Option("--out", "GROKKING_OUT", "Output folder for Parquet (shared by all silos).", "runs");
        var slots = Option("--slots", "GROKKING_SLOTS", "Runs trained at once on this silo.", 1);
        var accelerator = Option<string?>("--accelerator", "GROKKING_ACCELERATOR", "cpu or gpu (default: detected from TorchSharp).", null);
        var threads = Option("--torch-threads", "GROKKING_TORCH_THREADS", "torch intra-op threads (0 = torch's default).", 0);
        var advertise = Option<string?>("--advertise", "GROKKING_ADVERTISE", "IP address other silos and clients reach this silo on.", null);
        var siloPort = Option("--silo-port", "GROKKING_SILO_PORT", "Silo-to-silo port.", 11111);
        var gatewayPort = Option("--gateway-port", "GROKKING_GATEWAY_PORT", "Client gateway port.", 30000);
        var clusterId = Option("--cluster-id", "GROKKING_CLUSTER_ID", "Orleans cluster id.", "grokking");
        var name = Option<string?>("--name", "GROKKING_SILO_NAME", "This silo's name in logs and membership (Kubernetes: the pod name).", null);
        var memory = Option<string?>("--memory-budget", MemoryBudgetVariable,
            "Memory this silo's runs may use together, e.g. 16GiB (default: 80% of the machine's or container's memory, less 512 MiB); "
            + "a run estimated larger than its slot's share fails here before training.", null);
        var healthAddress = Option("--health-address", "GROKKING_HEALTH_ADDRESS",
            "Address the health endpoint listens on: + for every address (the kubelet probes the pod IP) or one IP such as 127.0.0.1.", "+");
        healthAddress.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && r.Tokens[0].Value != "+" && !System.Net.IPAddress.TryParse(r.Tokens[0].Value, out _))
                r.AddError($"--health-address '{r.Tokens[0].Value}': accepted: + (every address) or an IP address.");
        });
        var tlsCertificate = Option<string?>("--tls-certificate", ClusterTls.CertificateVariable,
            "PEM certificate of this silo for mutual TLS with silos and clients (with --tls-key and --tls-ca; default: no TLS).", null);
        var tlsKey = Option<string?>("--tls-key", ClusterTls.KeyVariable, "PEM private key of --tls-certificate.", null);
        var tlsAuthority = Option<string?>("--tls-ca", ClusterTls.AuthorityVariable,
            "PEM certificate of the authority every silo's and client's certificate must chain to.", null);
        var healthPort = Option("--health-port", "GROKKING_HEALTH_PORT", "HTTP port of /healthz/live and /healthz/ready (cluster mode; 0 = off).", 8080);
        accelerator.AcceptOnlyFromAmong("cpu", "gpu");
        foreach (var port in new[] { siloPort, gatewayPort, healthPort })
            port.Validators.Add(r =>
            {
                if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, out var n) && (n < 0 || n > 65535))
                    r.AddError($"{r.Option.Name} {n}: accepted: a port number from 0 to 65535.");
            });
        slots.Validators.Add(r =>
        {
            // A value that is not a number is already reported by the parser; only check parsed numbers.
            if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, out var n) && n is < 1 or > MaxSlots)
                r.AddError($"--slots {n}: accepted: 1 to {MaxSlots} runs trained at once.");
        });
        threads.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, out var n) && n is < 0 or > MaxThreads)
                r.AddError($"--torch-threads {n}: accepted: 0 (torch's default) to {MaxThreads}.");
        });

        var root = new RootCommand("Grokking silo: trains the runs of sweeps placed on it.")
        {
            redis, output, slots, accelerator, threads, advertise, siloPort, gatewayPort, clusterId, name, healthPort, memory,
            tlsCertificate, tlsKey, tlsAuthority, healthAddress,
        };
        root.SetAction((result, cancellation) =>
        {
            long? budget = null;
            if (result.GetValue(memory) is { Length: > 0 } text)
            {
                if (!Grokking.Grains.Engine.MemoryBudget.TryParse(text, out var bytes, out var problem))
                {
                    Console.Error.WriteLine($"error: --memory-budget / {MemoryBudgetVariable}: {problem}.");
                    return Task.FromResult(2);
                }
                budget = bytes;
            }
            ClusterTls? tls;
            try
            {
                tls = ClusterTls.From(result.GetValue(tlsCertificate), result.GetValue(tlsKey), result.GetValue(tlsAuthority));
            }
            catch (TlsConfigurationException e)
            {
                Console.Error.WriteLine($"error: {e.Message}.");
                return Task.FromResult(2);
            }
            return Run(result, budget, tls, cancellation);
        });
        Task<int> Run(ParseResult result, long? budget, ClusterTls? tls, CancellationToken cancellation) => run(new SiloOptions
        {
            Tls = tls,
            HealthAddress = result.GetValue(healthAddress)!,
            Redis = result.GetValue(redis) is { Length: > 0 } given ? given
                : Environment.GetEnvironmentVariable("GROKKING_REDIS") is { Length: > 0 } fromEnvironment ? fromEnvironment : null,
            OutDir = result.GetValue(output)!,
            Slots = result.GetValue(slots),
            Accelerator = result.GetValue(accelerator),
            TorchThreads = result.GetValue(threads),
            AdvertisedAddress = result.GetValue(advertise),
            SiloPort = result.GetValue(siloPort),
            GatewayPort = result.GetValue(gatewayPort),
            ClusterId = result.GetValue(clusterId)!,
            Name = result.GetValue(name),
            HealthPort = result.GetValue(healthPort),
            MemoryBudget = budget,
        }, cancellation);
        return root;
    }

    /// <summary>Most runs one silo trains at once; most torch threads it asks for.</summary>
    public const int MaxSlots = 256, MaxThreads = 1024;

    private const string MemoryBudgetVariable = "GROKKING_MEMORY_BUDGET";

    private static Option<T> Option<T>(string name, string environment, string description, T fallback) => new(name)
    {
        Description = $"{description} [env {environment}]",
        DefaultValueFactory = r => FromEnvironment(r, environment, fallback),
    };

    /// <summary>The variable's value, or <paramref name="fallback"/>; one parse error naming it when it is malformed.</summary>
    private static T FromEnvironment<T>(System.CommandLine.Parsing.ArgumentResult result, string variable, T fallback)
    {
        var text = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(text)) return fallback;
        var type = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        try
        {
            return (T)Convert.ChangeType(text, type, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or OverflowException or InvalidCastException)
        {
            var shown = text.Length > 40 ? text[..40] + "..." : text;
            result.AddError($"{variable}='{shown}': expected {(type == typeof(int) ? "a whole number" : "a " + type.Name)}.");
            return fallback;
        }
    }
}
