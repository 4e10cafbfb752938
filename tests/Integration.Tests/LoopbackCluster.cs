using System.Net;
using System.Net.Sockets;
using Grokking.Client.Commands;
using Grokking.Silo.Hosting;
using Grokking.Grains.Tests.Redis;

namespace Grokking.Integration.Tests;

/// <summary>
/// A real cluster on loopback: a redis-server and silo processes (<c>Grokking.Silo</c>) sharing one output folder
/// and a cluster id of their own. Tests start, SIGTERM and SIGKILL silos; everything is torn down on dispose.
/// </summary>
public sealed class LoopbackCluster : IAsyncDisposable
{
    private readonly Dictionary<int, ChildProcess> _silos = new();
    private readonly List<ChildProcess> _stopped = [];
    private readonly Dictionary<int, int> _gatewayPorts = new();
    private readonly Dictionary<int, int> _slots = new();

    private LoopbackCluster(RedisServer redis, string scratch)
    {
        Redis = redis;
        Scratch = scratch;
        OutDir = Path.Combine(scratch, "out");
    }

    public RedisServer Redis { get; }

    /// <summary>A temp folder for specs, references and the output.</summary>
    public string Scratch { get; }

    /// <summary>The silos' shared Parquet output folder.</summary>
    public string OutDir { get; }

    public string ClusterId { get; } = "it-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Running silos by silo port.</summary>
    public IReadOnlyDictionary<int, ChildProcess> Silos => _silos;

    public static async Task<LoopbackCluster> StartAsync(string name)
    {
        var redis = new RedisServer();
        await redis.InitializeAsync();
        var scratch = Path.Combine(Path.GetTempPath(), $"grokking-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(scratch);
        return new LoopbackCluster(redis, scratch);
    }

    /// <summary>Starts a silo process; returns its silo port (the key in <see cref="Silos"/>).</summary>
    /// <param name="siloPort">Reuse a port (restarting a silo on its old address); 0 picks a free one.</param>
    /// <param name="environment">Extra environment variables of the silo process (e.g. GROKKING_MEMORY_BUDGET).</param>
    public int StartSilo(int slots = 2, int healthPort = 0, int siloPort = 0, IReadOnlyDictionary<string, string>? environment = null)
    {
        if (siloPort == 0) siloPort = FreePort();
        if (!_gatewayPorts.TryGetValue(siloPort, out var gatewayPort)) _gatewayPorts[siloPort] = gatewayPort = FreePort();
        _slots[siloPort] = slots;
        _silos[siloPort] = ChildProcess.Start("Grokking.Silo", environment, "--redis", Redis.ConnectionString, "--out", OutDir,
            "--slots", slots.ToString(), "--torch-threads", "1", "--accelerator", "cpu", "--advertise", "127.0.0.1",
            "--silo-port", siloPort.ToString(), "--gateway-port", gatewayPort.ToString(), "--cluster-id", ClusterId,
            "--health-port", healthPort.ToString(), "--health-address", "127.0.0.1", "--name", $"silo-{siloPort}");
        return siloPort;
    }

    /// <summary>Starts a silo that was killed or stopped again, on the same ports (a new incarnation of the same address).</summary>
    public void Restart(int siloPort) => StartSilo(_slots[siloPort], siloPort: siloPort);


    /// <summary>The silo port of a run's silo, from the run record's Orleans silo address (ip:port@epoch).</summary>
    public static int PortOf(string siloAddress) => int.Parse(siloAddress.Split('@')[0].Split(':')[1]);

    /// <summary>SIGKILLs a silo (a lost node).</summary>
    public void Kill(int siloPort)
    {
        _silos[siloPort].Kill();
        _stopped.Add(_silos[siloPort]);
        _silos.Remove(siloPort);
    }

    /// <summary>SIGTERMs a silo (preemption) and returns its process, still running while it drains.</summary>
    public ChildProcess Terminate(int siloPort)
    {
        var silo = _silos[siloPort];
        silo.Terminate();
        _stopped.Add(silo);
        _silos.Remove(siloPort);
        return silo;
    }

    /// <summary>A client connection; silos that were just started may need a while to open their gateways, so retry.</summary>
    public async Task<ClusterConnection> ConnectAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            try
            {
                return await ClusterConnection.ConnectAsync(Redis.ConnectionString, ClusterId, CancellationToken.None);
            }
            catch (ClusterUnreachableException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(500);
            }
        }
    }

    /// <summary>Runs <c>grokking ARGS --redis R --cluster-id C</c> to completion.</summary>
    public (int ExitCode, string Output) Grokking(params string[] args) => Grokking(null, args);

    /// <summary>Runs <c>grokking ARGS --redis R --cluster-id C</c> with extra environment variables.</summary>
    public (int ExitCode, string Output) Grokking(IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        ChildProcess.Run(TimeSpan.FromMinutes(1), environment, "grokking", [.. args, "--redis", Redis.ConnectionString, "--cluster-id", ClusterId]);

    /// <summary>Waits until exactly <paramref name="count"/> silos are active members of the cluster.</summary>
    public Task WaitForSilosAsync(ClusterConnection connection, int count, TimeSpan timeout, string what) =>
        WaitUntilAsync(async () => (await connection.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count == count, timeout, what);

    /// <summary>Polls <paramref name="condition"/>; on timeout fails with what was last seen and every silo's output.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (true)
        {
            try
            {
                if (await condition()) return;
            }
            catch (Exception e) when (e is OrleansException or TimeoutException or HttpRequestException)
            {
                // Calls routed through a killed silo fail until the cluster declares it dead; that is expected.
                last = e;
            }
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"timed out waiting for {what} (last error: {last?.Message}).\n{SiloOutput()}");
            await Task.Delay(200);
        }
    }

    /// <summary>Every silo's output so far, for failure messages.</summary>
    public string SiloOutput() =>
        string.Join("\n---\n", _silos.Select(s => $"silo {s.Key}:\n{s.Value.Output}").Concat(_stopped.Select(s => $"stopped silo:\n{s.Output}")));

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos.Values.Concat(_stopped)) silo.Dispose();
        await Redis.DisposeAsync();
        if (Directory.Exists(Scratch)) Directory.Delete(Scratch, recursive: true);
    }
}
