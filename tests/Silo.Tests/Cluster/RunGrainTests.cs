using Grokking.Grains.Specs;
using Grokking.Grains.Contracts;
using Grokking.Grains.Fencing;
using Grokking.Grains.Runs;
using Grokking.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using Orleans.Storage;

namespace Grokking.Silo.Tests.Cluster;

/// <summary>A run grain's own rules, driven directly: fence tokens, persisted limits, lost silos.</summary>
[Collection(GrokkingClusterCollection.Name)]
public sealed class RunGrainTests(GrokkingCluster cluster)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_report_of_a_replaced_attempt_is_ignored_and_the_new_attempts_token_is_above_every_claimed_one()
    {
        var spec = new NoopSweepSpec("stale-report") { Runs = 1, Steps = 3000, StepMs = 10, CheckpointEvery = 100 };
        var (grain, run) = RunGrain(spec);
        // An earlier attempt (a `grokking train`, or a silo long gone) claimed token 4.
        await new FileRunFence(cluster.OutDir).ClaimAsync(spec.Name, run, 4);

        var started = await grain.Start(Assignment(spec, run));
        Assert.Equal((RunStatus.Running, 5L), (started.Status, started.Fence));

        // The attempt with token 4 still runs on a silo the cluster declared dead, and reports.
        await grain.OnEngineReport(new EngineReport { Kind = EngineReportKind.Failed, Error = "from the zombie", Fence = 4 });
        await grain.OnEngineReport(new EngineReport { Kind = EngineReportKind.Finished, Step = 3000, Fence = 4 });

        var record = await grain.GetRecord();
        Assert.Equal((RunStatus.Running, 0, null, 5L), (record.Status, record.Failures, record.Error, record.Fence));
        await CancelAsync(grain);
    }

    [Fact]
    public async Task Max_failures_is_persisted_and_a_reactivated_grain_applies_it_to_a_failure_report()
    {
        var spec = new NoopSweepSpec("limits-survive") { Runs = 1, Steps = 400, StepMs = 10, CheckpointEvery = 100, MaxFailures = 3 };
        var (grain, run) = RunGrain(spec);
        cluster.Checkpoints.FailSaves(run, 1);

        await grain.Start(Assignment(spec, run));
        var stored = await StoredRecordAsync(grain);
        Assert.Equal(3, stored!.Limits.MaxFailures);
        // The activation that was started goes away while the run trains; the failure report activates a fresh one.
        await grain.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        await Eventually.Until(grain.GetRecord, r => r.Failures > 0, Timeout, "the injected failure to be reported");

        var record = await grain.GetRecord();
        Assert.Equal((RunStatus.Pending, 1), (record.Status, record.Failures));
        Assert.Contains("injected checkpoint failure", record.Error);
    }

    [Fact]
    public async Task A_run_whose_silo_is_lost_a_fourth_time_ends_failed_naming_the_lost_silos_while_a_third_loss_is_tolerated()
    {
        var spec = new NoopSweepSpec("lost-silos") { Runs = 2, Steps = 3000, StepMs = 10, CheckpointEvery = 100 };
        string[] gone = ["127.0.0.1:4101@1", "127.0.0.1:4102@1", "127.0.0.1:4103@1", "127.0.0.1:4104@1"];
        var (doomed, doomedRun) = RunGrain(spec, 0);
        var (tolerated, toleratedRun) = RunGrain(spec, 1);
        // Each was Running on a silo that is no longer a member, having lost silos before.
        await WriteStateAsync(doomed, new RunRecord { RunId = doomedRun, Status = RunStatus.Running, Attempts = 4, Silo = gone[3], LostSilos = gone[..3] });
        await WriteStateAsync(tolerated, new RunRecord { RunId = toleratedRun, Status = RunStatus.Running, Attempts = 3, Silo = gone[2], LostSilos = gone[..2] });

        var failed = await doomed.Start(Assignment(spec, doomedRun, 0));
        var restarted = await tolerated.Start(Assignment(spec, toleratedRun, 1));

        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Equal(gone, failed.LostSilos);
        Assert.StartsWith("lost 4 silos while training (more than the 3 tolerated): ", failed.Error);
        Assert.All(gone, silo => Assert.Contains(silo, failed.Error));
        Assert.Equal(4, failed.Attempts);
        Assert.Equal(RunStatus.Running, restarted.Status);
        Assert.Equal(gone[..3], restarted.LostSilos);
        await CancelAsync(tolerated);
    }

    [Fact]
    public async Task A_run_whose_data_is_missing_on_its_silo_fails_and_counts_each_failure_instead_of_waiting_forever()
    {
        // The sweep hands the run its resolved config; this silo lacks the config's data folder. Before runs received
        // their config, the silo re-read the spec, could not resolve it, and the run went back to Pending on every
        // tick without ever counting a failure.
        var config = new Grokking.Training.Config.RunConfig
        {
            Task = new Grokking.Training.Config.TaskConfig { Kind = "image", DataDir = "/nonexistent/grokking-data", TrainSize = 10 },
            Model = new Grokking.Training.Config.ModelConfig { Kind = "mlp", Depth = 2, Width = 8 },
            Training = new Grokking.Training.Config.TrainingConfig { Steps = 10, EvalEvery = 5, CheckpointEvery = 5 },
        };
        var grain = cluster.Client.GetGrain<IRunGrain>("missing-data/r00000000000da7a0");
        await grain.Start(new RunAssignment
        {
            SweepId = "missing-data", RunId = "r00000000000da7a0", Config = config, Limits = new RunLimits { MaxFailures = 1 },
        });
        var record = await Eventually.Until(grain.GetRecord, r => r.IsFinal, Timeout, "the run to fail");
        Assert.Equal((RunStatus.Failed, 1), (record.Status, record.Failures));
        Assert.Contains("/nonexistent/grokking-data", record.Error);
    }

    private (IRunGrain Grain, string RunId) RunGrain(NoopSweepSpec spec, int index = 0)
    {
        var run = spec.RunIds[index];
        return (cluster.Client.GetGrain<IRunGrain>($"{spec.Name}/{run}"), run);
    }

    private static RunAssignment Assignment(NoopSweepSpec spec, string runId, int index = 0) => new()
    {
        SweepId = spec.Name, RunId = runId, Index = index, Config = SpecParser.Parse(spec.Yaml).Expand()[index].Config,
        Limits = new RunLimits { MaxFailures = spec.MaxFailures },
    };

    private IGrainStorage Storage => cluster.Silo(0).ServiceProvider.GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.Provider);

    private async Task<RunRecord?> StoredRecordAsync(IRunGrain grain) =>
        await ((FileGrainStorage)Storage).ReadAsync<RunRecord>(GrainStorageNames.Run, grain.GetGrainId());

    private Task WriteStateAsync(IRunGrain grain, RunRecord record) =>
        Storage.WriteStateAsync(GrainStorageNames.Run, grain.GetGrainId(), new GrainState<RunRecord>(record));

    private static async Task CancelAsync(IRunGrain grain)
    {
        await grain.Cancel();
        await Eventually.Until(grain.GetRecord, r => r.IsFinal, Timeout, "the run to stop");
    }
}
