using System.Diagnostics;
using Grokking.Grains.Contracts;

namespace Grokking.Integration.Tests.Chaos;

/// <summary>What the chaos scenario did and found; every count is measured, none assumed.</summary>
public sealed record ChaosReport(
    int Seed, int Runs, int Done, int Kills, int RedisRestarts, int Resumes, long RowsExpected, long RowsLost, long RowsDuplicated,
    int ReferencesChecked, int ReferencesEqual, TimeSpan Elapsed)
{
    public override string ToString() =>
        $"chaos (seed {Seed}): runs {Runs}, done {Done}, kills {Kills}, redis restarts {RedisRestarts}, resumes {Resumes}, "
        + $"rows expected {RowsExpected:N0}, rows lost {RowsLost}, rows duplicated {RowsDuplicated}, "
        + $"equal to uninterrupted reference {ReferencesEqual}/{ReferencesChecked}, {Elapsed.TotalSeconds:F0} s";
}

/// <summary>
/// Issue 5's chaos scenario on loopback: redis-server and three silo processes; a grid of small real trainings; a random
/// silo SIGKILLed and restarted on the same ports at random intervals; Redis stopped and restarted once (append-only file).
/// At the end DuckDB reads the Parquet back: every run Done, every (run_id, step) once, no gaps, and a sample of runs
/// equal to an uninterrupted `grokking train` of the same grid point.
/// </summary>
public sealed class ChaosScenario(ChaosOptions options, Action<string> log)
{
    private const string Sweep = "chaos";

    public async Task<ChaosReport> RunAsync()
    {
        var clock = Stopwatch.StartNew();
        var random = new Random(options.Seed);
        log($"chaos: seed {options.Seed}, {options.Runs} runs of {options.Steps} steps, {options.Silos} silos x {options.SlotsPerSilo} slots, "
            + $"a kill every {options.MinKillInterval.TotalSeconds:F0}-{options.MaxKillInterval.TotalSeconds:F0} s");
        await using var cluster = await LoopbackCluster.StartAsync("chaos");
        var spec = WriteSpec(cluster.Scratch);
        for (int i = 0; i < options.Silos; i++) cluster.StartSilo(options.SlotsPerSilo);
        await using var connection = await cluster.ConnectAsync();
        var management = connection.Client.GetGrain<IManagementGrain>(0);
        await cluster.WaitUntilAsync(async () => (await management.GetHosts(onlyActive: true)).Count == options.Silos,
            TimeSpan.FromSeconds(120), "the silos to join");
        var (code, output) = cluster.Grokking("submit", spec);
        if (code != 0) throw new InvalidOperationException("submit failed: " + output);
        var sweep = connection.Client.GetGrain<ISweepGrain>(Sweep);

        int kills = 0, redisRestarts = 0;
        var deadline = DateTime.UtcNow + options.Deadline;
        var nextKill = DateTime.UtcNow + Interval(random);
        SweepStatus? status = null;
        while (true)
        {
            status = await TryStatusAsync(sweep) ?? status;
            if (status is { IsFinished: true }) break;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"chaos: sweep not finished after {options.Deadline}: {status?.Done}/{options.Runs} done.\n{cluster.SiloOutput()}");
            int done = status?.Done ?? 0;
            if (redisRestarts == 0 && done * 3 >= options.Runs)
            {
                // Once, a third of the way through: Redis goes away for a while and comes back from its append-only file.
                log($"chaos: {clock.Elapsed.TotalSeconds:F0} s: stopping Redis for {options.RedisDowntime.TotalSeconds:F0} s ({done}/{options.Runs} done)");
                await cluster.Redis.StopAsync();
                await Task.Delay(options.RedisDowntime);
                await cluster.Redis.StartAgainAsync();
                redisRestarts++;
            }
            bool forced = kills < options.MinKills && done * (options.MinKills + 1) >= (kills + 1) * options.Runs;
            if (DateTime.UtcNow >= nextKill || forced)
            {
                var victim = cluster.Silos.Keys.ElementAt(random.Next(cluster.Silos.Count));
                log($"chaos: {clock.Elapsed.TotalSeconds:F0} s: SIGKILL silo {victim} ({done}/{options.Runs} done, {status?.Running ?? 0} running)");
                cluster.Kill(victim);
                kills++;
                cluster.Restart(victim);
                nextKill = DateTime.UtcNow + Interval(random);
            }
            await Task.Delay(500);
        }

        var runsTable = await sweep.WriteRunsTable();
        var data = new SweepDataset(cluster.OutDir, Sweep);
        var runIds = (await sweep.GetRuns()).Select(r => $"'{r.RunId}'").ToList();
        var totals = data.Query($"""
            SELECT count(*), count(DISTINCT (run_id, step)),
                   count(DISTINCT (run_id, step)) FILTER (WHERE step BETWEEN 1 AND {options.Steps} AND run_id IN ({string.Join(", ", runIds)}))
            FROM {data.Metrics}
            """).Single();
        long rows = Convert.ToInt64(totals[0]), distinct = Convert.ToInt64(totals[1]), present = Convert.ToInt64(totals[2]);
        // Lost: a (run, step) of the grid with no row. Duplicated: rows beyond one per (run, step).
        long expected = (long)options.Runs * options.Steps;
        var final = await sweep.GetStatus();

        // Compare a sample of runs, the most disturbed first, with uninterrupted trainings.
        var sample = (await sweep.GetRuns()).OrderByDescending(r => r.Attempts).ThenBy(r => r.Index).Take(options.ReferenceSample).ToList();
        int equal = 0;
        foreach (var run in sample)
        {
            try
            {
                SweepAssertions.EqualsUninterrupted(data, spec, run.Index, run.RunId, cluster.Scratch);
                equal++;
            }
            catch (Xunit.Sdk.XunitException e)
            {
                log($"chaos: run {run.RunId} (attempts {run.Attempts}) differs from its reference: {e.Message}");
            }
        }
        var report = new ChaosReport(options.Seed, options.Runs, final.Done, kills, redisRestarts, final.Attempts - options.Runs,
            expected, expected - present, rows - distinct, sample.Count, equal, clock.Elapsed);
        log(report.ToString());
        log($"chaos: runs.parquet at {runsTable}");
        return report;
    }

    private TimeSpan Interval(Random random) =>
        options.MinKillInterval + (options.MaxKillInterval - options.MinKillInterval) * random.NextDouble();

    private static async Task<SweepStatus?> TryStatusAsync(ISweepGrain sweep)
    {
        try
        {
            return await sweep.GetStatus().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            return null; // routed through a dead silo, or Redis is down: ask again shortly
        }
    }

    private string WriteSpec(string folder)
    {
        var path = Path.Combine(folder, Sweep + ".yaml");
        File.WriteAllText(path, $$"""
            name: {{Sweep}}
            task: { kind: modular, operation: "x+y", modulus: 23, train_fraction: 0.5 }
            model: { kind: mlp, depth: 2, width: 32 }
            optimizer: { lr: 1e-3, weight_decay: 1.0 }
            training: { steps: {{options.Steps}}, batch_size: 64, eval_every: 50, rank_every: 1000, checkpoint_every: {{options.CheckpointEvery}} }
            max_failures: 3
            grid:
              seed: [{{string.Join(", ", Enumerable.Range(0, options.Seeds))}}]
              weight_decay: [0.5, 1.0]
              lr: [1e-3, 3e-3]
            """);
        return path;
    }
}
