using Grokking.Grains.Contracts;
using Grokking.Grains.Engine;
using Grokking.Grains.Placement;
using Grokking.Grains.Runs;
using Grokking.Grains.Scheduling;
using Grokking.Grains.Search;
using Grokking.Grains.Specs;
using Grokking.Grains.Sweeps.Stopping;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Storage;

namespace Grokking.Grains.Sweeps;

/// <summary>
/// Coordinates one sweep, in Ray Tune's split: its <see cref="ISearchStrategy"/> proposes runs (all at once, or as
/// results arrive), its <see cref="ISweepStopRule"/>s decide when the sweep stops early, and the cluster's
/// <see cref="ISlotLedgerGrain"/> places runs on free slots. This grain joins them: it persists the spec and every run
/// the search added, keeps the slots full, restarts runs whose silo died and keeps runs.parquet current.
/// <para>
/// Run states are persisted by the run grains (one small write per event); this grain holds an in-memory index
/// (<see cref="SweepRuns"/>) that it rebuilds from storage on activation, so no event rewrites O(runs) state.
/// </para>
/// </summary>
public sealed class SweepGrain(
    [PersistentState(GrainStorageNames.Sweep, GrainStorageNames.Provider)] IPersistentState<SweepState> state,
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
    private ISearchStrategy? _search;
    private IReadOnlyList<ISweepStopRule> _stopRules = [];
    private SearchStep _searchStep = new([], true, "");
    private readonly SweepRuns _runs = new();
    private readonly string _epoch = Guid.NewGuid().ToString("N")[..12];
    private bool _stoppedWhenRead;
    private readonly HashSet<string> _reopen = new(StringComparer.Ordinal);
    private SweepScheduler? _scheduler;
    private IGrainTimer? _timer;
    private bool _dirty;
    private bool _dispatching;
    private DateTime _lastRunsTable = DateTime.MinValue;

    private string SweepId => this.GetPrimaryKeyString();

    private SweepScheduler Scheduler => _scheduler ??= new SweepScheduler(membership, siloMetadata, GrainFactory);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!state.RecordExists) return;
        await LoadAsync();
        if (!IsFinished()) await StartSweepingAsync();
    }

    public async Task<SubmitResult> Submit(SweepSubmission submission)
    {
        SweepSpec spec;
        try
        {
            spec = SpecParser.Parse(submission.SpecText, submission.SourceName, submission.BaseDirectory);
        }
        catch (SpecException e)
        {
            return new SubmitResult { Accepted = false, Error = e.Message };
        }
        if (spec.Name != SweepId)
            return new SubmitResult { Accepted = false, Error = $"the spec names sweep '{spec.Name}', not '{SweepId}'" };
        var initial = SearchStrategies.Create(spec).Initial();
        var fingerprint = SweepFingerprint.Of(spec, initial);
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
            Fingerprint = fingerprint, SubmittedUtc = DateTime.UtcNow, StartedUtc = DateTime.UtcNow,
        };
        await state.WriteStateAsync();
        await LoadAsync();
        _dirty = true;
        await StartSweepingAsync();
        await DispatchAsync();
        logger.LogInformation("Sweep {Sweep} submitted: {Runs} runs ({Search})", SweepId, _runs.Count, spec.Search.Describe());
        return new SubmitResult { Accepted = true, Created = true, Runs = _runs.Count };
    }

    public Task<SweepStatus> GetStatus() => Task.FromResult(Status());

    public Task<IReadOnlyList<RunRecord>> GetRuns() =>
        Task.FromResult<IReadOnlyList<RunRecord>>(_runs.All.Select(r => Effective(_runs.Record(r))).ToList());

    public Task<SweepMap> GetMap() =>
        Task.FromResult(_spec is null ? new SweepMap { SweepId = SweepId } : SweepMaps.Of(_spec, _runs.All));

    public Task<RunChanges> GetRunChanges(string epoch, long version)
    {
        if (_spec is null) return Task.FromResult(new RunChanges { Epoch = _epoch });
        // A cancel or a stop rule changes how every pending run is seen (Effective), without a record changing.
        if (Stopped != _stoppedWhenRead)
        {
            _stoppedWhenRead = Stopped;
            _runs.ChangeAll();
        }
        bool all = epoch != _epoch || version > _runs.Version || version < _runs.AllChangedAt;
        var changed = (all ? _runs.All : _runs.ChangedSince(version)).Select(r => Effective(_runs.Record(r))).ToList();
        return Task.FromResult(new RunChanges
        {
            Exists = true, Epoch = _epoch, Version = _runs.Version, All = all, Records = changed,
            Status = Status() with { Active = [], Failures = [] },
        });
    }

    public async Task<SweepStatus> Resume()
    {
        if (!state.RecordExists) return Status();
        state.State = state.State with { CancelRequested = false, StoppedBy = null, StartedUtc = DateTime.UtcNow };
        await state.WriteStateAsync();
        foreach (var run in _runs.All)
        {
            var record = _runs.Record(run);
            if (record.Status is RunStatus.Failed or RunStatus.Cancelled)
            {
                Set(record with { Status = RunStatus.Pending });
                _reopen.Add(run.RunId);
            }
        }
        await AdvanceSearchAsync();
        await StartSweepingAsync();
        await DispatchAsync();
        return Status();
    }

    public async Task<SweepStatus> Cancel()
    {
        if (!state.RecordExists) return Status();
        state.State = state.State with { CancelRequested = true };
        await state.WriteStateAsync();
        await CancelRunningAsync();
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
        if (_spec is null || !_runs.Contains(record.RunId)) return;
        // One-way reports may overtake each other; never let a stale one undo a later state.
        if (_runs.TryGetRecord(record.RunId, out var known)
            && (record.Attempts < known.Attempts || known.IsFinal && !record.IsFinal && record.Attempts == known.Attempts))
            return;
        Set(record);
        if (record.Status == RunStatus.Running) return;
        if (record.IsFinal) await AdvanceSearchAsync();
        await DispatchAsync();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        // The reminder only reactivates the sweep after its silo died; activation resumes the work.
        IsFinished() ? StopSweepingAsync() : StartSweepingAsync();

    // --- runs and the search ----------------------------------------------------------------------------------------

    /// <summary>Rebuilds the run list (the search's first runs, then every run it added, from their persisted keys) and
    /// each run's record, then lets the search catch up on results that arrived while nobody asked it.</summary>
    private async Task LoadAsync()
    {
        _spec = SpecParser.Parse(state.State.SpecText, state.State.SourceName, state.State.BaseDirectory);
        _search = SearchStrategies.Create(_spec);
        _stopRules = SweepStopRules.For(_spec.Budget);
        var runs = _search.Initial().ToList();
        foreach (var key in state.State.Added) runs.Add(_search.Restore(key, runs.Count));
        _runs.Add(runs);
        await LoadRecordsAsync(runs);
        await AdvanceSearchAsync();
    }

    /// <summary>Asks the search for runs until it has none to add now; each batch is persisted before it is listed,
    /// so a crash between the two re-lists exactly the same runs.</summary>
    private async Task AdvanceSearchAsync()
    {
        if (_search is null) return;
        while (true)
        {
            _searchStep = _search.Next(_runs.All, _runs.Record);
            if (_searchStep.Added.Count == 0) return;
            var keys = _searchStep.Added.Select(r => r.Place?.Key
                ?? throw new InvalidOperationException($"search {_spec!.Search.Strategy} added run {r.RunId} without a lattice key")).ToList();
            state.State = state.State with { Added = [.. state.State.Added, .. keys] };
            await state.WriteStateAsync();
            _runs.Add(_searchStep.Added);
            await LoadRecordsAsync(_searchStep.Added);
            _dirty = true;
            logger.LogInformation("Sweep {Sweep}: the search added {Added} runs; {Progress}", SweepId, keys.Count, _searchStep.Progress);
        }
    }

    /// <summary>Records a run's new state.</summary>
    private void Set(RunRecord record)
    {
        if (_runs.Set(record)) _dirty = true;
    }

    private async Task LoadRecordsAsync(IReadOnlyList<RunSpec> runs)
    {
        // Read the run grains' persisted state straight from storage: activating thousands of grains to ask them would be slow.
        var storage = ServiceProvider.GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.Provider);
        foreach (var chunk in runs.Chunk(256))
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

    // --- the loop ----------------------------------------------------------------------------------------------------

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
        await ApplyStopRulesAsync();
        await DispatchAsync();
        bool finished = IsFinished();
        if (_dirty && (finished || DateTime.UtcNow - _lastRunsTable >= RunsTableInterval))
            await WriteRunsTableAsync();
        if (finished && !_dirty)
        {
            logger.LogInformation("Sweep {Sweep} finished", SweepId);
            await Scheduler.ReleaseAllAsync(SweepId);
            await StopSweepingAsync();
        }
    }

    private void RequeueRunsOfDeadSilos()
    {
        var alive = Scheduler.AliveSilos();
        foreach (var (runId, silo) in _runs.Running.ToList())
        {
            if (alive.Contains(silo)) continue;
            logger.LogInformation("Run {Run} was on {Silo}, which is gone; restarting it from its checkpoint", runId, silo);
            Set(_runs.Record(_runs[runId]) with { Status = RunStatus.Pending });
        }
    }

    private async Task ApplyStopRulesAsync()
    {
        if (state.State.StoppedBy is not null || state.State.CancelRequested || _stopRules.Count == 0) return;
        var progress = new SweepProgress(_runs.Started, DateTime.UtcNow - state.State.StartedUtc);
        foreach (var rule in _stopRules)
        {
            if (rule.Check(progress) is not { } stop) continue;
            // A rule that would change nothing (every run already started, none to cancel) is not a stop.
            if (!stop.CancelRunning && _runs.CountOf(RunStatus.Pending) == 0 && _searchStep.Complete) continue;
            logger.LogInformation("Sweep {Sweep} stops: {Reason}", SweepId, stop.Reason);
            state.State = state.State with { StoppedBy = stop.Reason };
            await state.WriteStateAsync();
            if (stop.CancelRunning) await CancelRunningAsync();
            _dirty = true;
            return;
        }
    }

    private async Task CancelRunningAsync()
    {
        var running = _runs.Running.Keys.ToList();
        await Task.WhenAll(running.Select(id => RunGrain(id).Cancel()));
        _dirty = true;
    }

    private bool Stopped => state.State.CancelRequested || state.State.StoppedBy is not null;

    private async Task DispatchAsync()
    {
        if (_spec is null || _dispatching) return;
        _dispatching = true;
        try
        {
            var wanted = Stopped ? [] : _runs.Pending.Select(r => r.RunId).ToList();
            if (_spec.Budget.Runs is { } budget) wanted = wanted.Take(Math.Max(0, budget - _runs.Started)).ToList();
            var grants = await Scheduler.GrantAsync(SweepId, _runs.Running, wanted, _spec.Accelerator);
            var starts = new List<Task>();
            foreach (var grant in grants)
            {
                var run = _runs[grant.RunId];
                Set(_runs.Record(run) with { Status = RunStatus.Running, Silo = grant.Silo });
                starts.Add(StartRunAsync(run, grant.Silo));
            }
            await Task.WhenAll(starts);
        }
        finally
        {
            _dispatching = false;
        }
    }

    private async Task StartRunAsync(RunSpec run, string silo)
    {
        var assignment = new RunAssignment
        {
            SweepId = SweepId, RunId = run.RunId, Index = run.Index, Config = run.Config,
            Limits = new RunLimits { MaxFailures = _spec!.MaxFailures, KeepFinalCheckpoint = run.Config.Training.KeepFinalCheckpoint },
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
                Scheduler.MarkDraining(silo);
            }
            if (!_runs.TryGetRecord(run.RunId, out var known) || known.Attempts <= record.Attempts) Set(record);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not start run {Run}; will retry", run.RunId);
            Set(_runs.Record(run) with { Status = RunStatus.Pending, Note = e.Message });
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
            var records = _runs.All.ToDictionary(r => r.RunId, r => Effective(_runs.Record(r)), StringComparer.Ordinal);
            await runsTable.WriteAsync(engineOptions.OutDir, _spec!, _runs.All, records,
                RunLineage.Of(engineOptions, _spec!, state.State.SpecText), CancellationToken.None);
        }
        catch (Exception e)
        {
            _dirty = true;
            logger.LogWarning(e, "runs.parquet of sweep {Sweep} not written; will retry", SweepId);
        }
    }

    // --- status -------------------------------------------------------------------------------------------------------

    private SweepStatus Status() =>
        state.RecordExists
            ? _runs.Status(SweepId, Effective, Scheduler.Offers(_spec?.Accelerator ?? "any").Sum(o => o.Slots)) with
            {
                CancelRequested = state.State.CancelRequested,
                Search = _searchStep.Progress,
                SearchComplete = _searchStep.Complete || Stopped,
                StoppedBy = state.State.StoppedBy,
            }
            : new SweepStatus { SweepId = SweepId, Exists = false };

    // After a cancel or a stop rule, runs that were never started count as cancelled too.
    private RunRecord Effective(RunRecord record) =>
        Stopped && record.Status == RunStatus.Pending
            ? record with { Status = RunStatus.Cancelled, Note = state.State.StoppedBy ?? record.Note }
            : record;

    private bool IsFinished() =>
        _runs.Count > 0 && (_searchStep.Complete || Stopped) && _runs.All.All(r => Effective(_runs.Record(r)).IsFinal);

    private IRunGrain RunGrain(string runId) => GrainFactory.GetGrain<IRunGrain>($"{SweepId}/{runId}");
}
