using System.CommandLine;
using System.Globalization;

namespace Grokking.Silo.Hosting;

/// <summary>The silo's flags; each falls back to a GROKKING_* environment variable (how Kubernetes sets them).</summary>
public static class SiloCommandLine
{
    public static RootCommand Create(Func<SiloOptions, CancellationToken, Task<int>> run)
    {
        var redis = Option<string?>("--redis", "GROKKING_REDIS", "StackExchange.Redis connection string (password and TLS allowed); omit for the embedded mode.", null);
        var output = Option("--out", "GROKKING_OUT", "Output folder for Parquet (shared by all silos).", "runs");
        var slots = Option("--slots", "GROKKING_SLOTS", "Runs trained at once on this silo.", 1);
        var accelerator = Option<string?>("--accelerator", "GROKKING_ACCELERATOR", "cpu or gpu (default: detected from TorchSharp).", null);
        var threads = Option("--torch-threads", "GROKKING_TORCH_THREADS", "torch intra-op threads (0 = torch's default).", 0);
        var advertise = Option<string?>("--advertise", "GROKKING_ADVERTISE", "IP address other silos and clients reach this silo on.", null);
        var siloPort = Option("--silo-port", "GROKKING_SILO_PORT", "Silo-to-silo port.", 11111);
        var gatewayPort = Option("--gateway-port", "GROKKING_GATEWAY_PORT", "Client gateway port.", 30000);
        var clusterId = Option("--cluster-id", "GROKKING_CLUSTER_ID", "Orleans cluster id.", "grokking");
        var name = Option<string?>("--name", "GROKKING_SILO_NAME", "This silo's name in logs and membership (Kubernetes: the pod name).", null);
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
            if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, out var n) && n < 1)
                r.AddError($"--slots {n}: must be at least 1.");
        });

        var root = new RootCommand("Grokking silo: trains the runs of sweeps placed on it.")
        {
            redis, output, slots, accelerator, threads, advertise, siloPort, gatewayPort, clusterId, name, healthPort,
        };
        root.SetAction((result, cancellation) => run(new SiloOptions
        {
            Redis = result.GetValue(redis),
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
        }, cancellation));
        return root;
    }

    private static Option<T> Option<T>(string name, string environment, string description, T fallback) => new(name)
    {
        Description = $"{description} [env {environment}]",
        DefaultValueFactory = _ => FromEnvironment(environment, fallback),
    };

    private static T FromEnvironment<T>(string variable, T fallback)
    {
        var text = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(text)) return fallback;
        var type = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        try
        {
            return (T)Convert.ChangeType(text, type, CultureInfo.InvariantCulture);
        }
        catch (FormatException)
        {
            throw new ArgumentException($"{variable}='{text}' is not a valid {type.Name}.");
        }
    }
}
