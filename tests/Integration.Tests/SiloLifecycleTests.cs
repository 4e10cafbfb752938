using System.Diagnostics;
using System.Net;
using Grokking.Grains.Contracts;

namespace Grokking.Integration.Tests;

/// <summary>A silo process's life on a real cluster: refusing to start without Redis, readiness, and SIGTERM.</summary>
public sealed class SiloLifecycleTests : IAsyncLifetime
{
    // Long enough that the silo's progress reports (at most one a second) catch a run mid-interval even when a run
    // trains 1,500 steps a second (2026-11-30); with 3,000 steps the window was sometimes missed.
    private const long Steps = 8000;
    private const long CheckpointEvery = 2000;

    private LoopbackCluster _cluster = null!;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };

    public async Task InitializeAsync() => _cluster = await LoopbackCluster.StartAsync("lifecycle");

    [Fact]
    public void A_silo_whose_redis_is_unreachable_exits_1_within_15_seconds_saying_which_redis()
    {
        int port = LoopbackCluster.FreePort();
        var clock = Stopwatch.StartNew();
        var (code, output) = ChildProcess.Run(TimeSpan.FromSeconds(30), "Grokking.Silo", "--redis", $"127.0.0.1:{port}",
            "--out", Path.Combine(_cluster.Scratch, "out"), "--health-port", "0");

        Assert.True(code == 1, $"exit code {code}:\n{output}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed.TotalSeconds:F1} s");
        var error = Assert.Single(output.Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains($"cannot reach Redis at 127.0.0.1:{port}", error);
        Assert.Contains("--redis / GROKKING_REDIS", error);
        Assert.False(Directory.Exists(Path.Combine(_cluster.Scratch, "out")), "a silo that could not start wrote output");
    }

    [Fact]
    public async Task An_idle_silo_sent_sigterm_while_redis_is_down_exits_within_seconds()
    {
        int health = LoopbackCluster.FreePort();
        int port = _cluster.StartSilo(slots: 1, healthPort: health);
        await _cluster.WaitUntilAsync(async () => await ReadyAsync(health) == HttpStatusCode.OK, TimeSpan.FromSeconds(90), "the silo to report ready");
        await _cluster.Redis.StopAsync();
        var clock = Stopwatch.StartNew();
        var silo = _cluster.Terminate(port);
        // Idle: nothing to drain, so the silo gets ShutdownDeadline.LeaveMargin (10 s) to leave the cluster, then exits.
        bool exited = silo.WaitForExit(TimeSpan.FromSeconds(40));
        await _cluster.Redis.StartAgainAsync();
        Assert.True(exited, $"the silo had not exited {clock.Elapsed.TotalSeconds:F0} s after SIGTERM with Redis down:\n{silo.Output}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"exit took {clock.Elapsed.TotalSeconds:F0} s");
        Assert.Equal(0, silo.ExitCode);
    }

    [Theory]
    [InlineData("GROKKING_SLOTS", "abc", "GROKKING_SLOTS='abc': expected a whole number.")]
    [InlineData("GROKKING_SLOTS", "100000", "accepted: 1 to 256 slots")]
    [InlineData("GROKKING_TORCH_THREADS", "100000", "0 (torch's default) to 1024 threads")]
    [InlineData("GROKKING_SILO_PORT", "99999999999", "GROKKING_SILO_PORT='99999999999': expected a whole number.")]
    public void A_malformed_environment_variable_exits_2_in_one_line(string variable, string value, string expected)
    {
        var (code, output) = ChildProcess.Run(TimeSpan.FromSeconds(30), new Dictionary<string, string> { [variable] = value },
            "Grokking.Silo", "--health-port", "0");
        Assert.True(code == 2, $"exit code {code}:\n{output}");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var error = Assert.Single(lines, l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains(expected, error);
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_health_address_that_is_not_an_ip_exits_2()
    {
        var (code, output) = ChildProcess.Run(TimeSpan.FromSeconds(30), "Grokking.Silo", "--health-address", "everywhere");
        Assert.True(code == 2, $"exit code {code}:\n{output}");
        Assert.Contains("--health-address 'everywhere': accepted: + (every address) or an IP address.", output);
    }

    [Fact]
    public void Help_does_not_print_the_redis_password_from_the_environment()
    {
        var (code, output) = ChildProcess.Run(TimeSpan.FromSeconds(30),
            new Dictionary<string, string> { ["GROKKING_REDIS"] = "redis:6379,password=s3cr3t,with-comma" }, "Grokking.Silo", "--help");
        Assert.True(code == 0, $"exit code {code}:\n{output}");
        Assert.Contains("--redis", output);
        Assert.DoesNotContain("s3cr3t", output);
        Assert.DoesNotContain("with-comma", output);
    }

    [Fact]
    public void A_malformed_redis_connection_string_exits_2_naming_the_flag()
    {
        var (code, output) = ChildProcess.Run(TimeSpan.FromSeconds(30), "Grokking.Silo", "--redis", "127.0.0.1:6379,connectTimeout=soon",
            "--health-port", "0");
        Assert.True(code == 2, $"exit code {code}:\n{output}");
        Assert.Contains("--redis / GROKKING_REDIS", output);
        Assert.Contains("accepted: host:port", output);
    }

    [Fact]
    public async Task Sigterm_checkpoints_running_runs_at_once_and_they_resume_on_another_silo_losing_less_than_one_interval()
    {
        var spec = WriteSpec("drain");
        int healthA = LoopbackCluster.FreePort();
        int siloA = _cluster.StartSilo(slots: 1, healthPort: healthA);

        // Readiness: 503 while joining, 200 only once the silo is an active member. The endpoint listens before Orleans
        // starts joining, so the 503 window is the join itself (about a second on loopback): poll without pausing so a
        // slow machine cannot step over it.
        var answers = new List<HttpStatusCode>();
        var joinDeadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            var answer = await ReadyAsync(healthA);
            if (answer is { } code) answers.Add(code);
            if (answer == HttpStatusCode.OK) break;
            Assert.True(DateTime.UtcNow < joinDeadline, $"silo A not ready after 90 s; answers {string.Join(", ", answers)}:\n{_cluster.SiloOutput()}");
            if (answer is null) await Task.Delay(20); // not listening yet: the process is still starting
        }
        await using var connection = await _cluster.ConnectAsync();
        var hosts = await connection.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        Assert.Contains(hosts, h => h.Key.Endpoint.Port == siloA && h.Value == SiloStatus.Active);
        Assert.True(answers.Contains(HttpStatusCode.ServiceUnavailable), $"no 503 before ready; answers {string.Join(", ", answers)}");
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync($"http://127.0.0.1:{healthA}/healthz/live")).StatusCode);

        _cluster.StartSilo(slots: 1);
        await _cluster.WaitForSilosAsync(connection, 2, TimeSpan.FromSeconds(90), "silo B to join");
        var (submitted, output) = _cluster.Grokking("submit", spec);
        Assert.True(submitted == 0, output);
        var sweep = connection.Client.GetGrain<ISweepGrain>("drain");

        // SIGTERM silo A while its run is between two checkpoints.
        RunRecord? victim = null;
        await _cluster.WaitUntilAsync(async () =>
        {
            victim = (await sweep.GetStatus()).Active.FirstOrDefault(r =>
                r.Silo is { } s && LoopbackCluster.PortOf(s) == siloA && r.Step > CheckpointEvery && r.Step % CheckpointEvery is > 150 and < 1700);
            return victim is not null;
        }, TimeSpan.FromMinutes(3), "a run on silo A to be mid-interval");
        long seenBeforeSignal = victim!.Step;
        var drained = _cluster.Terminate(siloA);

        await _cluster.WaitUntilAsync(async () => await ReadyAsync(healthA) != HttpStatusCode.OK, TimeSpan.FromSeconds(5),
            "silo A to stop reporting ready after SIGTERM");
        Assert.True(drained.WaitForExit(TimeSpan.FromSeconds(90)), "silo A did not exit within 90 s of SIGTERM:\n" + drained.Output);
        Assert.True(drained.ExitCode == 0, $"silo A exited with {drained.ExitCode}:\n{drained.Output}");
        Assert.Contains("Draining: interrupted 1 run(s)", drained.Output);
        Assert.Contains($"Run {victim.RunId} of sweep drain interrupted at step", drained.Output);

        await _cluster.WaitUntilAsync(async () => (await sweep.GetStatus()).IsFinished, TimeSpan.FromMinutes(5), "the sweep to finish on silo B");
        var status = await sweep.GetStatus();
        Assert.Equal(2, status.Done);
        var data = new SweepDataset(_cluster.OutDir, "drain");
        SweepAssertions.ExactlyOnce(data, 2, Steps);

        // The run resumed from a checkpoint taken when the signal came, not from its last periodic one.
        var resumedFrom = SegmentStarts(victim.RunId).Select(first => first - 1).Where(c => c % CheckpointEvery != 0).ToList();
        var resumeStep = Assert.Single(resumedFrom);
        Assert.True(resumeStep >= seenBeforeSignal,
            $"resumed from step {resumeStep}, before step {seenBeforeSignal} reached before SIGTERM: progress was lost");
        Assert.True(resumeStep - seenBeforeSignal < CheckpointEvery);
        var record = (await sweep.GetRuns()).Single(r => r.RunId == victim.RunId);
        Assert.True(record.Attempts >= 2, $"attempts {record.Attempts}");
        Assert.Equal(0, record.Failures);
        SweepAssertions.EqualsUninterrupted(data, spec, record.Index, victim.RunId, _cluster.Scratch);
    }

    private async Task<HttpStatusCode?> ReadyAsync(int port)
    {
        try
        {
            return (await _http.GetAsync($"http://127.0.0.1:{port}/healthz/ready")).StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null; // not listening (yet, or any more)
        }
    }

    private IEnumerable<long> SegmentStarts(string runId) =>
        Directory.GetFiles(Path.Combine(_cluster.OutDir, "sweep=drain", "metrics", $"run={runId}"), "part-*.parquet")
            .Select(f => long.Parse(Path.GetFileNameWithoutExtension(f)["part-".Length..]));

    private string WriteSpec(string name)
    {
        var path = Path.Combine(_cluster.Scratch, name + ".yaml");
        File.WriteAllText(path, $$"""
            name: {{name}}
            task: { kind: modular, operation: "x+y", modulus: 23, train_fraction: 0.5 }
            model: { kind: mlp, depth: 2, width: 64 }
            optimizer: { lr: 3e-3, weight_decay: 1.0 }
            training: { steps: {{Steps}}, batch_size: 64, eval_every: 50, rank_every: 1000, checkpoint_every: {{CheckpointEvery}} }
            grid:
              seed: [0, 1]
            """);
        return path;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _cluster.DisposeAsync();
    }
}
