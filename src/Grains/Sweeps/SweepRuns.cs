using Grokking.Grains.Contracts;
using Grokking.Grains.Specs;

namespace Grokking.Grains.Sweeps;

/// <summary>
/// A sweep's runs and their latest records, in sweep order, with the pending set and per-status counts kept in step
/// with every change, so an event costs O(1) and dispatching O(runs started), not O(runs). The list only grows: a
/// search adds runs as results arrive.
/// </summary>
public sealed class SweepRuns
{
    private readonly List<RunSpec> _runs = [];
    private readonly Dictionary<string, int> _indexOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RunRecord> _records = new(StringComparer.Ordinal);
    private readonly SortedSet<int> _pending = [];
    private readonly Dictionary<string, string> _running = new(StringComparer.Ordinal);
    private readonly int[] _counts = new int[Enum.GetValues<RunStatus>().Length];
    private readonly List<long> _changedAt = [];

    public IReadOnlyList<RunSpec> All => _runs;

    /// <summary>Counts every change (a run added or its record set); a reader that saw version V asks for what changed after it.</summary>
    public long Version { get; private set; }

    /// <summary>The version at which every run last changed at once (see <see cref="ChangeAll"/>).</summary>
    public long AllChangedAt { get; private set; }

    public int Count => _runs.Count;

    /// <summary>Pending runs, in sweep order.</summary>
    public IEnumerable<RunSpec> Pending => _pending.Select(i => _runs[i]);

    /// <summary>Running runs: run id to silo.</summary>
    public IReadOnlyDictionary<string, string> Running => _running;

    /// <summary>Runs started at least once (everything not Pending, plus Pending runs with attempts).</summary>
    public int Started { get; private set; }

    public int CountOf(RunStatus status) => _counts[(int)status];

    public bool Contains(string runId) => _indexOf.ContainsKey(runId);

    public RunSpec this[string runId] => _runs[_indexOf[runId]];

    /// <summary>Appends runs (indices must continue the list); each starts Pending until a record says otherwise.</summary>
    public void Add(IEnumerable<RunSpec> runs)
    {
        foreach (var run in runs)
        {
            if (run.Index != _runs.Count)
                throw new InvalidOperationException($"run {run.RunId} has index {run.Index}, expected {_runs.Count}");
            if (_indexOf.ContainsKey(run.RunId))
                throw new InvalidOperationException($"run {run.RunId} is already in the sweep (index {_indexOf[run.RunId]})");
            _indexOf[run.RunId] = run.Index;
            _runs.Add(run);
            _changedAt.Add(++Version);
            _pending.Add(run.Index);
            _counts[(int)RunStatus.Pending]++;
        }
    }

    /// <summary>The run's latest record (a fresh Pending one if it has none).</summary>
    public RunRecord Record(RunSpec run) =>
        _records.TryGetValue(run.RunId, out var record)
            ? record
            : new RunRecord { RunId = run.RunId, Index = run.Index, TotalSteps = run.Config.Training.Steps };

    public bool TryGetRecord(string runId, out RunRecord record) => _records.TryGetValue(runId, out record!);

    /// <summary>Records a run's new state; false if the run is not in the sweep.</summary>
    public bool Set(RunRecord record)
    {
        if (!_indexOf.TryGetValue(record.RunId, out var index)) return false;
        var old = Record(_runs[index]);
        _counts[(int)old.Status]--;
        if (old.Status == RunStatus.Pending) _pending.Remove(index);
        if (old.Status == RunStatus.Running) _running.Remove(record.RunId);
        if (IsStarted(old)) Started--;

        _records[record.RunId] = record with { Index = index };
        _changedAt[index] = ++Version;
        _counts[(int)record.Status]++;
        if (record.Status == RunStatus.Pending) _pending.Add(index);
        if (record.Status == RunStatus.Running) _running[record.RunId] = record.Silo ?? "";
        if (IsStarted(record)) Started++;
        return true;
    }

    /// <summary>Marks every run changed: how they are seen changed (a cancel makes pending runs count as cancelled).</summary>
    public void ChangeAll() => AllChangedAt = ++Version;

    /// <summary>The runs that changed after version <paramref name="version"/>, in sweep order.</summary>
    public IEnumerable<RunSpec> ChangedSince(long version)
    {
        for (int i = 0; i < _runs.Count; i++)
            if (_changedAt[i] > version) yield return _runs[i];
    }

    /// <summary>The sweep's status as its runs make it, each record seen through <paramref name="effective"/> (a
    /// cancelled sweep's unstarted runs count as cancelled).</summary>
    public SweepStatus Status(string sweepId, Func<RunRecord, RunRecord> effective, int capacity)
    {
        var records = _runs.Select(r => effective(Record(r))).ToList();
        int Count(RunStatus s) => records.Count(r => r.Status == s);
        return new SweepStatus
        {
            SweepId = sweepId,
            Exists = true,
            Total = records.Count,
            Pending = Count(RunStatus.Pending),
            Running = Count(RunStatus.Running),
            Done = Count(RunStatus.Done),
            Failed = Count(RunStatus.Failed),
            Cancelled = Count(RunStatus.Cancelled),
            Capacity = capacity,
            StepsDone = records.Sum(r => r.Status == RunStatus.Done ? r.TotalSteps : Math.Min(r.Step, r.TotalSteps)),
            StepsTotal = _runs.Sum(r => (long)r.Config.Training.Steps),
            Active = records.Where(r => r.Status == RunStatus.Running).ToList(),
            Failures = records.Where(r => r.Status == RunStatus.Failed).ToList(),
            Attempts = records.Sum(r => r.Attempts),
        };
    }

    private static bool IsStarted(RunRecord record) => record.Status != RunStatus.Pending || record.Attempts > 0;
}
