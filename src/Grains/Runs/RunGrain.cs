using Grokking.Grains.Checkpoints;
using Grokking.Grains.Contracts;
using Grokking.Grains.Engine;
using Grokking.Grains.Fencing;
using Grokking.Grains.Placement;
using Grokking.Grains.Specs;
using Microsoft.Extensions.Logging;

namespace Grokking.Grains.Runs;

/// <summary>
/// One run's state machine. Placed on a silo that fits the run (<see cref="RunPlacementDirector"/>), it hands the
/// run to that silo's <see cref="TrainingEngine"/> and turns the engine's reports into persisted state, which it
/// forwards to the sweep. It never trains itself: training runs on the engine's dedicated threads.
/// <para>
/// Each start grants the attempt a fence token above every earlier one, persists it and claims it before the attempt
/// is queued (DESIGN.md, invariant 6): from then on an earlier attempt still running on a silo the cluster declared
/// dead can write nothing, and its reports, which carry its older token, are ignored.
/// </para>
/// </summary>
[RunPlacement]
public sealed class RunGrain(
    [PersistentState(GrainStorageNames.Run, GrainStorageNames.Provider)] IPersistentState<RunRecord> state,
    TrainingEngine engine,
    ICheckpointStore checkpoints,
    IRunFence fence,
    IClusterMembershipService membership,
    ILocalSiloDetails silo,
    ILogger<RunGrain> logger) : Grain, IRunGrain
{
    private string Key => this.GetPrimaryKeyString();

    private string SweepId => Key[..Key.IndexOf('/')];

    private string Here => silo.SiloAddress.ToParsableString();

    public async Task<RunRecord> Start(RunAssignment assignment)
    {
        var record = state.State;
        if (record.IsFinal && !assignment.Reopen) return record;
        if (engine.Holds(Key)) return record;
        if (engine.IsDraining)
        {
            // This silo is shutting down: refuse, and let a fresh activation be placed on another silo.
            DeactivateOnIdle();
            return record with { Status = RunStatus.Pending, Note = $"silo {Here} is shutting down" };
        }

        var config = assignment.Config;
        var limits = assignment.Limits;
        var lost = assignment.Reopen ? [] : LostSilos(record);
        if (lost.Length > limits.MaxLostSilos) return await FailForLostSilosAsync(record, lost, limits);

        // Above the last token granted and above any claimed outside this grain's state (a `grokking train` on the
        // same output folder, or grain state that was lost), so the new attempt is never born stale.
        long token = Math.Max(record.Fence, await fence.CurrentAsync(assignment.SweepId, assignment.RunId)) + 1;
        state.State = record with
        {
            RunId = assignment.RunId,
            Index = assignment.Index,
            Status = RunStatus.Running,
            Attempts = record.Attempts + 1,
            Failures = assignment.Reopen ? 0 : record.Failures,
            Silo = Here,
            TotalSteps = config.Training.Steps,
            Fence = token,
            Limits = limits,
            LostSilos = lost,
            KeepFinalCheckpoint = limits.KeepFinalCheckpoint,
        };
        await state.WriteStateAsync();
        // Claimed now rather than when the job leaves the queue: an earlier attempt still writing (its silo declared
        // dead but running) is refused from this moment, however long this one waits for a slot.
        await fence.ClaimAsync(assignment.SweepId, assignment.RunId, token);
        // A long run may report rarely; it must not be collected while it trains.
        DelayDeactivation(TimeSpan.FromDays(7));
        var self = this.AsReference<IRunGrain>();
        if (!engine.Enqueue(new TrainingJob(Key, new RunSpec(assignment.SweepId, assignment.Index, assignment.RunId, [], config), token, report => self.OnEngineReport(report))))
        {
            // The silo began draining between the check above and now.
            state.State = state.State with { Status = RunStatus.Pending };
            await state.WriteStateAsync();
            DeactivateOnIdle();
            return state.State with { Note = $"silo {state.State.Silo} is shutting down" };
        }
        logger.LogInformation("Run {Run} attempt {Attempt} (fence token {Token}) queued on {Silo}", Key, state.State.Attempts, token, state.State.Silo);
        return state.State;
    }

    public async Task Cancel()
    {
        if (engine.Holds(Key))
        {
            engine.Stop(Key, EngineReportKind.Stopped);
            return;
        }
        if (state.State.IsFinal || !state.RecordExists) return;
        state.State = state.State with { Status = RunStatus.Cancelled };
        await state.WriteStateAsync();
        Notify();
    }

    public Task<RunRecord> GetRecord() => Task.FromResult(state.State);

    public async Task OnEngineReport(EngineReport report)
    {
        if (report.Fence < state.State.Fence)
        {
            // An attempt this grain has since replaced, on a silo declared dead that ran on: it never reports over the current one.
            logger.LogWarning("Run {Run}: ignored a {Kind} report of the attempt with fence token {Token}; the current attempt holds {Current}",
                Key, report.Kind, report.Fence, state.State.Fence);
            return;
        }
        if (report.Kind == EngineReportKind.Superseded)
        {
            await OnSupersededAsync(report);
            return;
        }
        var record = state.State with
        {
            Step = report.Step, TrainAcc = report.TrainAcc, ValAcc = report.ValAcc, Note = report.Note ?? state.State.Note,
        };
        switch (report.Kind)
        {
            case EngineReportKind.Progress:
                state.State = record;
                Notify();
                return;
            case EngineReportKind.Finished:
                state.State = record with { Status = RunStatus.Done, Outcome = report.Outcome };
                break;
            case EngineReportKind.Stopped:
                state.State = record with { Status = RunStatus.Cancelled, Outcome = report.Outcome };
                break;
            case EngineReportKind.Interrupted:
                state.State = record with { Status = RunStatus.Pending };
                break;
            case EngineReportKind.Failed:
                int failures = record.Failures + 1;
                state.State = record with
                {
                    Status = failures < record.Limits.MaxFailures ? RunStatus.Pending : RunStatus.Failed, Failures = failures, Error = report.Error,
                };
                break;
        }
        await state.WriteStateAsync();
        if (state.State.Status == RunStatus.Done && !state.State.KeepFinalCheckpoint)
            await checkpoints.DeleteAsync(SweepId, state.State.RunId);
        Notify();
        DeactivateOnIdle();
    }

    // This activation's own attempt was fenced out, yet the state it holds names that attempt as current. Either another
    // activation of this grain has since granted a newer token (this one is left over on a silo the cluster gave up on:
    // it must not write), or a token was claimed outside this grain (then the run is simply started again). The stored
    // state decides which.
    private async Task OnSupersededAsync(EngineReport report)
    {
        await state.ReadStateAsync();
        if (state.State.Fence <= report.Fence)
        {
            state.State = state.State with { Status = RunStatus.Pending, Note = report.Error };
            await state.WriteStateAsync();
            Notify();
        }
        else
        {
            logger.LogWarning("Run {Run}: the attempt with fence token {Token} on this silo was replaced by attempt {Current}; leaving the run to it",
                Key, report.Fence, state.State.Fence);
        }
        DeactivateOnIdle();
    }

    // A run still Running on record when it is started again lost its silo if that silo is no longer a member: declared
    // dead, or gone from the membership altogether (an earlier process of an embedded silo). A draining silo reports its
    // runs Interrupted first, and a silo still alive in this silo's view is not counted.
    private string[] LostSilos(RunRecord record)
    {
        if (record.Status != RunStatus.Running || record.Silo is not { } previous || previous == Here) return record.LostSilos;
        var status = membership.CurrentSnapshot.GetSiloStatus(SiloAddress.FromParsableString(previous));
        return status is SiloStatus.Dead or SiloStatus.None ? [.. record.LostSilos, previous] : record.LostSilos;
    }

    private async Task<RunRecord> FailForLostSilosAsync(RunRecord record, string[] lost, RunLimits limits)
    {
        var error = $"lost {lost.Length} silos while training (more than the {limits.MaxLostSilos} tolerated): {string.Join(", ", lost)}";
        logger.LogWarning("Run {Run} failed: {Error}", Key, error);
        state.State = record with { Status = RunStatus.Failed, Failures = record.Failures + 1, LostSilos = lost, Limits = limits, Error = error };
        await state.WriteStateAsync();
        Notify();
        DeactivateOnIdle();
        return state.State;
    }

    private void Notify() => GrainFactory.GetGrain<ISweepGrain>(SweepId).OnRunUpdated(state.State).Ignore();
}
