using System.Net;
using System.Net.Sockets;
using Grokking.Client.Commands;
using Grokking.Grains.Contracts;
using Grokking.Grains.Tests.Redis;

namespace Grokking.Integration.Tests;

public sealed class ClusterFailoverTests : IAsyncLifetime
{
    private readonly RedisServer _redis = new();
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "grokking-cluster-" + Guid.NewGuid().ToString("N"));
    private readonly string _clusterId = "it-" + Guid.NewGuid().ToString("N")[..8];
    private readonly Dictionary<int, ChildProcess> _silos = new();

    public Task InitializeAsync() => _redis.InitializeAsync();

    [Fact]
    public async Task Killing_a_silo_mid_sweep_restarts_its_runs_elsewhere_and_the_dataset_has_every_step_once()
    {
        var spec = FailoverSpec.Write(_scratch, "failover");
        var outDir = Path.Combine(_scratch, "out");
        StartSilo(outDir);
        StartSilo(outDir);
        await using var connection = await ClusterConnection.ConnectAsync(_redis.ConnectionString, _clusterId, CancellationToken.None);
        await WaitUntilAsync(async () => (await connection.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count == 2,
            TimeSpan.FromSeconds(60), "both silos to join the cluster");

        var (code, output) = ChildProcess.Run(TimeSpan.FromMinutes(1), "grokking", "submit", spec, "--redis", _redis.ConnectionString, "--cluster-id", _clusterId);
        Assert.True(code == 0, output);
        var sweep = connection.Client.GetGrain<ISweepGrain>("failover");

        // Kill the silo of a run that has checkpointed at least twice and is still training.
        RunRecord? victim = null;
        await WaitUntilAsync(async () =>
        {
            victim = (await sweep.GetStatus()).Active.FirstOrDefault(r => r.Step >= 250 && r.Step < FailoverSpec.Steps - 500);
            return victim is not null;
        }, TimeSpan.FromMinutes(3), "a run to get well under way");
        var port = int.Parse(victim!.Silo!.Split('@')[0].Split(':')[1]);
        _silos[port].Kill();

        await WaitUntilAsync(async () => (await sweep.GetStatus()).IsFinished, TimeSpan.FromMinutes(6), "the sweep to finish on the surviving silo");
        var status = await sweep.GetStatus();
        Assert.Equal(FailoverSpec.Runs, status.Done);
        Assert.True(status.Attempts > FailoverSpec.Runs, $"expected restarts after the kill, got {status.Attempts} attempts");

        var runsTable = await sweep.WriteRunsTable();
        Assert.True(File.Exists(runsTable));
        var data = new SweepDataset(outDir, "failover");
        SweepAssertions.ExactlyOnce(data, FailoverSpec.Runs, FailoverSpec.Steps);
        var killed = data.RunTable().Single(r => r.RunId == victim.RunId);
        Assert.True(killed.Attempts > 1, $"run {killed.RunId} lost its silo but records {killed.Attempts} attempt(s)");
        SweepAssertions.EqualsUninterrupted(data, spec, killed.Index, killed.RunId, _scratch);

        // The command-line view of the same sweep, and of one that does not exist.
        var (statusCode, json) = ChildProcess.Run(TimeSpan.FromMinutes(1), "grokking", "status", "failover", "--json", "--redis", _redis.ConnectionString, "--cluster-id", _clusterId);
        Assert.True(statusCode == 0, json);
        Assert.Contains("\"done\": 8", json);
        Assert.Contains(victim.RunId, json);
        var (missingCode, missing) = ChildProcess.Run(TimeSpan.FromMinutes(1), "grokking", "status", "no-such-sweep", "--redis", _redis.ConnectionString, "--cluster-id", _clusterId);
        Assert.Equal(2, missingCode);
        Assert.Contains("no sweep named 'no-such-sweep'", missing);
    }

    private void StartSilo(string outDir)
    {
        int siloPort = FreePort(), gatewayPort = FreePort();
        _silos[siloPort] = ChildProcess.Start("Grokking.Silo", "--redis", _redis.ConnectionString, "--out", outDir, "--slots", "2",
            "--torch-threads", "1", "--accelerator", "cpu", "--advertise", "127.0.0.1", "--silo-port", siloPort.ToString(),
            "--gateway-port", gatewayPort.ToString(), "--cluster-id", _clusterId);
    }

    private async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (true)
        {
            try
            {
                if (await condition()) return;
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                // Calls routed through the killed silo fail until the cluster declares it dead; that is expected.
                last = e;
            }
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"timed out waiting for {what} (last error: {last?.Message}). Silo output:\n" + string.Join("\n---\n", _silos.Values.Select(s => s.Output)));
            await Task.Delay(200);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos.Values) silo.Dispose();
        await _redis.DisposeAsync();
        if (Directory.Exists(_scratch)) Directory.Delete(_scratch, recursive: true);
    }
}
