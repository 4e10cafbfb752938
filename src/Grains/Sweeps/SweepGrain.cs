using System.Security.Cryptography;
using System.Text;
using Grokking.Grains.Contracts;
using Grokking.Grains.Engine;
using Grokking.Grains.Placement;
using Grokking.Grains.Runs;
using Grokking.Grains.Specs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Storage;

namespace Grokking.Grains.Sweeps;

/// <summary>
/// Coordinates one sweep: persists its spec, expands the grid, keeps the cluster's fitting slots full, restarts
/// runs whose silo died, and keeps runs.parquet current. Run states are persisted by the run grains (one small
/// write per event); this grain holds only an in-memory index it rebuilds from storage on activation, so no
/// event rewrites O(runs) state.
/// </summary>
public sealed class SweepGrain(
    [PersistentState(GrainStorageNames.Sweep, GrainStorageNames.Provider)] IPersistentState<SweepState> state,
    SweepSpecCache specs,
    EngineOptions engineOptions,
    RunsTableWriter runsTable,
    IClusterMembershipService membership,
    ISiloMetadataCache siloMetadata,
    ILogger<SweepGrain> logger) : Grain, ISweepGrain, IRemindable
{
    private static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RunsTableInterval = TimeSpan.FromSeconds(5);
    private const string KeepAliveReminder = "keep-sweeping";

    private SweepSpec? _spec;
    private IReadOnlyList<RunSpec> _runs = [];
    private readonly Dictionary<string, RunRecord> _records = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _indexOf = new(StringComparer.Ordinal);

    // Kept in step with _records by Set, so dispatching costs O(runs started), not O(grid), per event.
    private readonly SortedSet<int> _pending = [];
    private readonly Dictionary<string, int> _busyBySilo = new(StringComparer.Ordinal);
    private readonly HashSet<string> _reopen = new(StringComparer.Ordinal);

    // Silos that refused a run because they are shutting down, until when to leave them out of dispatching.
    private readonly Dictionary<string, DateTime> _draining = new(StringComparer.Ordinal);
    private static readonly TimeSpan DrainingHold = TimeSpan.FromSeconds(30);
    private IGrainTimer? _timer;
    private bool _dirty;
    private bool _dispatching;
    private DateTime _lastRunsTable = DateTime.MinValue;

    private string SweepId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!state.RecordExists) return;
        Load();
        await LoadRunRecordsAsync();
        if (!IsFinished()) await StartSweepingAsync();
    }

    public async Task<SubmitResult> Submit(SweepSubmission submission)
    {
        SweepSpec spec;
        IReadOnlyList<RunSpec> runs;
        try
        {
            (spec, runs) = specs.Get(submission.SpecText, submission.SourceName, submission.BaseDirectory);
        }
        catch (SpecException e)
        {
            return new SubmitResult { Accepted = false, Error = e.Message };
        }
        if (spec.Name != SweepId)
            return new SubmitResult { Accepted = false, Error = $"the spec names sweep '{spec.Name}', not '{SweepId}'" };
        var fingerprint = Fingerprint(spec, runs);
        if (state.RecordExists)
        {
            if (state.State.Fingerprint != fingerprint)
                return new SubmitResult
                {
                    Accepted = false,
                    Error = $"sweep '{SweepId}' already exists with a different spec ({_runs.Count} runs); submit under another name, or 'resume {SweepId}' to continue the existing one",
                };
            return new SubmitResult { Accepted = true, Created = false, Runs = _runs.Count };
        }

        state.State = new SweepState
        {
            SpecText = submission.SpecText, SourceName = submission.SourceName, BaseDirectory = submission.BaseDirectory,
            Fingerprint = fingerprint, SubmittedUtc = DateTime.UtcNow,
        };
        await state.WriteStateAsync();
        Load();
        _dirty = true;
        await StartSweepingAsync();
        await DispatchAsync();
        logger.LogInformation("Sweep {Sweep} submitted: {Runs} runs", SweepId, _runs.Count);
        return new SubmitResult { Accepted = true, Created = true, Runs = _runs.Count };
    }

    public Task<SweepStatus> GetStatus() => Task.FromResult(Status());

    public Task<IReadOnlyList<RunRecord>> GetRuns() =>
        Task.FromResult<IReadOnlyList<RunRecord>>(_runs.Select(r => Effective(Record(r))).ToList());

    public async Task<SweepStatus> Resume()
    {
        if (!state.RecordExists) return Status();
        if (state.State.CancelRequested)
        {
            state.State = state.State with { CancelRequested = false };
            await state.WriteStateAsync();
        }
        foreach (var run in _runs)
        {
            var record = Record(run);
            if (record.Status is RunStatus.Failed or RunStatus.Cancelled)
            {
                Set(record with { Status = RunStatus.Pending });
                _reopen.Add(run.RunId);
            }
        }
        await StartSweepingAsync();
        await DispatchAsync();
        return Status();
    }

    public async Task<SweepStatus> Cancel()
    {
        if (!state.RecordExists) return Status();
        state.State = state.State with { CancelRequested = true };
        await state.WriteStateAsync();
        var running = _runs.Select(Record).Where(r => r.Status == RunStatus.Running).ToList();
        await Task.WhenAll(running.Select(r => RunGrain(r.RunId).Cancel()));
        _dirty = true;
        return Status();
    }

    public async Task<string> WriteRunsTable()
    {
        if (_spec is null) throw new InvalidOperationException($"sweep '{SweepId}' does not exist");
        await WriteRunsTableAsync();
        return RunsTableWriter.PathOf(engineOptions.OutDir, SweepId);
    }

    public async Task OnRunUpdated(RunRecord record)
    {
        if (_spec is null || !_indexOf.ContainsKey(record.RunId)) return;
        _records.TryGetValue(record.RunId, out var known);
        // One-way reports may overtake each other; never let a stale one undo a later state.
        if (known is not null && (record.Attempts < known.Attempts || known.IsFinal && !record.IsFinal && record.Attempts == known.Attempts))
            return;
        Set(record);
        if (record.Status != RunStatus.Running) await DispatchAsync();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        // The reminder only reactivates the sweep after its silo died; activation resumes the work.
        IsFinished() ? StopSweepingAsync() : StartSweepingAsync();

    private void Load()
    {
        (_spec, _runs) = specs.Get(state.State.SpecText, state.State.SourceName, state.State.BaseDirectory);
        _indexOf.Clear();
        _pending.Clear();
        for (int i = 0; i < _runs.Count; i++)
        {
            _indexOf[_runs[i].RunId] = i;
            _pending.Add(i);
        }
    }

    /// <summary>Records a run's new state and keeps the pending set and per-silo busy counts current.</summary>
    private void Set(RunRecord record)
    {
        if (!_indexOf.TryGetValue(record.RunId, out var index)) return;
        var old = Record(_runs[index]);
        if (old.Status == RunStatus.Pending) _pending.Remove(index);
        if (old.Status == RunStatus.Running && old.Silo is { } oldSilo && _busyBySilo.TryGetValue(oldSilo, out var n))
            _busyBySilo[oldSilo] = n - 1;
        _records[record.RunId] = record;
        if (record.Status == RunStatus.Pending) _pending.Add(index);
        if (record.Status == RunStatus.Running && record.Silo is { } silo)
            _busyBySilo[silo] = _busyBySilo.GetValueOrDefault(silo) + 1;
        _dirty = true;
    }

    private async Task LoadRunRecordsAsync()
    {
        // Read the run grains' persisted state straight from storage: activating thousands of grains to ask them would be slow.
        var storage = ServiceProvider.GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.Provider);
        foreach (var chunk in _runs.Chunk(256))
        {
            var loaded = await Task.WhenAll(chunk.Select(async run =>
            {
                var grainState = new GrainState<RunRecord>(new RunRecord());
                await storage.ReadStateAsync(GrainStorageNames.Run, RunGrain(run.RunId).GetGrainId(), grainState);
                return grainState.RecordExists ? grainState.State : null;
            }));
            foreach (var record in loaded.OfType<RunRecord>()) Set(record);
        }
    }

    private async Task StartSweepingAsync()
    {
        _timer ??= this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(TickInterval, TickInterval) { KeepAlive = true });
        await this.RegisterOrUpdateReminder(KeepAliveReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
    }

    private async Task StopSweepingAsync()
    {
        _timer?.Dispose();
        _timer = null;
        var reminder = await this.GetReminder(KeepAliveReminder);
        if (reminder is not null) await this.UnregisterReminder(reminder);
    }

    private async Task TickAsync(CancellationToken cancellation)
    {
        RequeueRunsOfDeadSilos();
        await DispatchAsync();
        bool finished = IsFinished();
        if (_dirty && (finished || DateTime.UtcNow - _lastRunsTable >= RunsTableInterval))
            await WriteRunsTableAsync();
        if (finished && !_dirty)
        {
            logger.LogInformation("Sweep {Sweep} finished", SweepId);
            await StopSweepingAsync();
        }
    }

    private void RequeueRunsOfDeadSilos()
    {
        var alive = ActiveSilos().Select(s => s.ToParsableString()).ToHashSet(StringComparer.Ordinal);
        foreach (var run in _runs)
        {
            if (_records.TryGetValue(run.RunId, out var record) && record.Status == RunStatus.Running && !alive.Contains(record.Silo ?? ""))
            {
                logger.LogInformation("Run {Run} was on {Silo}, which is gone; restarting it from its checkpoint", run.RunId, record.Silo);
                Set(record with { Status = RunStatus.Pending });
            }
        }
    }

    private async Task DispatchAsync()
    {
        if (_spec is null || state.State.CancelRequested || _dispatching) return;
        _dispatching = true;
        try
        {
            var offers = Offers();
            var starts = new List<Task>();
            foreach (var index in _pending.ToList())
            {
                var target = offers.MaxBy(Free);
                if (target is null || Free(target) <= 0) break;
                var run = _runs[index];
                var address = target.Silo.ToParsableString();
                Set(Record(run) with { Status = RunStatus.Running, Silo = address });
                starts.Add(StartRunAsync(run, address));
            }
            await Task.WhenAll(starts);
        }
        finally
        {
            _dispatching = false;
        }
    }

    private int Free(SiloOffer offer) => offer.Slots - _busyBySilo.GetValueOrDefault(offer.Silo.ToParsableString());

    private async Task StartRunAsync(RunSpec run, string silo)
    {
        var assignment = new RunAssignment
        {
            SweepId = SweepId, RunId = run.RunId, Index = run.Index, SpecText = state.State.SpecText,
            SourceName = state.State.SourceName, BaseDirectory = state.State.BaseDirectory, MaxFailures = _spec!.MaxFailures,
            Reopen = _reopen.Remove(run.RunId),
        };
        try
        {
            RequestContext.Set(RunPlacementStrategy.AcceleratorKey, _spec.Accelerator);
            RequestContext.Set(RunPlacementStrategy.SiloKey, silo);
            var record = await RunGrain(run.RunId).Start(assignment);
            if (record.Status == RunStatus.Pending)
            {
                logger.LogInformation("Run {Run} refused by {Silo}: {Note}; dispatching elsewhere", run.RunId, silo, record.Note);
                _draining[silo] = DateTime.UtcNow + DrainingHold;
            }
            if (!_records.TryGetValue(run.RunId, out var known) || known.Attempts <= record.Attempts) Set(record);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not start run {Run}; will retry", run.RunId);
            Set(Record(run) with { Status = RunStatus.Pending, Note = e.Message });
        }
        finally
        {
            RequestContext.Remove(RunPlacementStrategy.AcceleratorKey);
            RequestContext.Remove(RunPlacementStrategy.SiloKey);
        }
    }

    private async Task WriteRunsTableAsync()
    {
        _dirty = false;
        _lastRunsTable = DateTime.UtcNow;
        try
        {
            var records = _runs.ToDictionary(r => r.RunId, r => Effective(Record(r)), StringComparer.Ordinal);
            await runsTable.WriteAsync(engineOptions.OutDir, _spec!, _runs, records, RunLineage.Of(engineOptions, _spec!, state.State.SpecText), CancellationToken.None);
        }
        catch (Exception e)
        {
            _dirty = true;
            logger.LogWarning(e, "runs.parquet of sweep {Sweep} not written; will retry", SweepId);
        }
    }

    private SweepStatus Status()
    {
        if (!state.RecordExists) return new SweepStatus { SweepId = SweepId, Exists = false };
        var records = _runs.Select(r => Effective(Record(r))).ToList();
        int Count(RunStatus s) => records.Count(r => r.Status == s);
        return new SweepStatus
        {
            SweepId = SweepId,
            Exists = true,
            Total = records.Count,
            Pending = Count(RunStatus.Pending),
            Running = Count(RunStatus.Running),
            Done = Count(RunStatus.Done),
            Failed = Count(RunStatus.Failed),
            Cancelled = Count(RunStatus.Cancelled),
            CancelRequested = state.State.CancelRequested,
            Capacity = Offers().Sum(o => o.Slots),
            StepsDone = records.Sum(r => r.Status == RunStatus.Done ? r.TotalSteps : Math.Min(r.Step, r.TotalSteps)),
            StepsTotal = _runs.Sum(r => (long)r.Config.Training.Steps),
            Active = records.Where(r => r.Status == RunStatus.Running).ToList(),
            Failures = records.Where(r => r.Status == RunStatus.Failed).ToList(),
            Attempts = records.Sum(r => r.Attempts),
        };
    }

    private RunRecord Record(RunSpec run) =>
        _records.TryGetValue(run.RunId, out var record)
            ? record
            : new RunRecord { RunId = run.RunId, Index = run.Index, TotalSteps = run.Config.Training.Steps };

    // After a cancel, runs that were never started count as cancelled too.
    private RunRecord Effective(RunRecord record) =>
        state.State.CancelRequested && record.Status == RunStatus.Pending ? record with { Status = RunStatus.Cancelled } : record;

    private bool IsFinished() => _runs.Count > 0 && _runs.All(r => Effective(Record(r)).IsFinal);

    private IEnumerable<SiloAddress> ActiveSilos() =>
        membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress);

    private List<SiloOffer> Offers() =>
        ActiveSilos()
            .Where(s => !IsDraining(s.ToParsableString()))
            .Select(s => SiloOffer.From(s, siloMetadata.GetSiloMetadata(s).Metadata))
            .OfType<SiloOffer>()
            .Where(o => _spec is not null && o.Fits(_spec.Accelerator))
            .ToList();

    private bool IsDraining(string silo)
    {
        if (!_draining.TryGetValue(silo, out var until)) return false;
        if (until > DateTime.UtcNow) return true;
        _draining.Remove(silo);
        return false;
    }

    private IRunGrain RunGrain(string runId) => GrainFactory.GetGrain<IRunGrain>($"{SweepId}/{runId}");

    private static string Fingerprint(SweepSpec spec, IReadOnlyList<RunSpec> runs)
    {
        var text = new StringBuilder().Append(spec.Accelerator).Append('\n').Append(spec.MaxFailures).Append('\n');
        foreach (var run in runs) text.Append(run.RunId).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
