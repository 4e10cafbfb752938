using Grokking.Grains.Checkpoints;
using Grokking.Grains.Contracts;
using Grokking.Grains.Engine;
using Grokking.Grains.Placement;
using Microsoft.Extensions.Logging;

namespace Grokking.Grains.Runs;

/// <summary>
/// One run's state machine. Placed on a silo that fits the run (<see cref="RunPlacementDirector"/>), it hands the
/// run to that silo's <see cref="TrainingEngine"/> and turns the engine's reports into persisted state, which it
/// forwards to the sweep. It never trains itself: training runs on the engine's dedicated threads.
/// </summary>
[RunPlacement]
public sealed class RunGrain(
    [PersistentState(GrainStorageNames.Run, GrainStorageNames.Provider)] IPersistentState<RunRecord> state,
    TrainingEngine engine,
    SweepSpecCache specs,
    ICheckpointStore checkpoints,
    ILocalSiloDetails silo,
    ILogger<RunGrain> logger) : Grain, IRunGrain
{
    private RunAssignment? _assignment;

    private string Key => this.GetPrimaryKeyString();

    private string SweepId => Key[..Key.IndexOf('/')];

    public async Task<RunRecord> Start(RunAssignment assignment)
    {
        var record = state.State;
        if (record.IsFinal && !assignment.Reopen) return record;
        if (engine.Holds(Key)) return record;
        if (engine.IsDraining)
        {
            // This silo is shutting down: refuse, and let a fresh activation be placed on another silo.
            DeactivateOnIdle();
            return record with { Status = RunStatus.Pending, Note = $"silo {silo.SiloAddress.ToParsableString()} is shutting down" };
        }

        var run = specs.Resolve(assignment);
        _assignment = assignment;
        state.State = record with
        {
            RunId = assignment.RunId,
            Index = assignment.Index,
            Status = RunStatus.Running,
            Attempts = record.Attempts + 1,
            Failures = assignment.Reopen ? 0 : record.Failures,
            Silo = silo.SiloAddress.ToParsableString(),
            TotalSteps = run.Config.Training.Steps,
        };
        await state.WriteStateAsync();
        // A long run may report rarely; it must not be collected while it trains.
        DelayDeactivation(TimeSpan.FromDays(7));
        var self = this.AsReference<IRunGrain>();
        if (!engine.Enqueue(new TrainingJob(Key, run, report => self.OnEngineReport(report))))
        {
            // The silo began draining between the check above and now.
            state.State = state.State with { Status = RunStatus.Pending };
            await state.WriteStateAsync();
            DeactivateOnIdle();
            return state.State with { Note = $"silo {state.State.Silo} is shutting down" };
        }
        logger.LogInformation("Run {Run} attempt {Attempt} queued on {Silo}", Key, state.State.Attempts, state.State.Silo);
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
                int allowed = _assignment?.MaxFailures ?? 0;
                state.State = record with
                {
                    Status = failures < allowed ? RunStatus.Pending : RunStatus.Failed, Failures = failures, Error = report.Error,
                };
                break;
        }
        await state.WriteStateAsync();
        if (state.State.Status == RunStatus.Done && !KeepsCheckpoint())
            await checkpoints.DeleteAsync(SweepId, state.State.RunId);
        Notify();
        DeactivateOnIdle();
    }

    private bool KeepsCheckpoint() =>
        _assignment is { } a && specs.Resolve(a).Config.Training.KeepFinalCheckpoint;

    private void Notify() => GrainFactory.GetGrain<ISweepGrain>(SweepId).OnRunUpdated(state.State).Ignore();
}
