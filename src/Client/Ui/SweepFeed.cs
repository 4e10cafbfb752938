using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Grokking.Client.Ui;

/// <summary>
/// One pushed update: its id (<c>EPOCH-SEQ</c>), its kind (<c>run</c>, <c>sweep</c> or <c>reset</c>), its JSON, and
/// the server-sent-event frame as sent (encoded once, however many pages it goes to).
/// </summary>
public sealed record FeedEvent(long Seq, string Id, string Kind, string Json)
{
    public byte[] Frame { get; } = System.Text.Encoding.UTF8.GetBytes($"id: {Id}\nevent: {Kind}\ndata: {Json}\n\n");
}

/// <summary>
/// The live state of one sweep, shared by every page that watches it: a single loop reads the source, compares each
/// run with what it last saw, and appends one small event per change (a run's new state, or the sweep's counts) to a
/// log of the latest <see cref="Capacity"/> events. A page that reconnects names the last event it applied and gets
/// exactly the ones after it; one that fell further behind (or a server restarted since: another epoch) gets a fresh
/// snapshot. Watching pages cost the source nothing: it is read once per interval however many pages there are.
/// </summary>
public sealed class SweepFeed
{
    public const int Capacity = 50_000;

    private readonly object _gate = new();
    private readonly List<FeedEvent> _log = [];  // consecutive sequence numbers: the event after seq S is at S - _log[0].Seq + 1
    private FeedEvent? _snapshot;                 // the reset frame of the state at _seq, built once for every page that needs it
    private readonly Dictionary<string, UiRun> _runs = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private UiSweep? _sweep;
    private SweepFrame? _lastFrame;
    private IReadOnlyList<UiAxis> _axes = [];
    private IReadOnlyList<string> _metrics = [];
    private long _seq;

    /// <param name="idleAfter">How long to keep reading the source after the last page asked (default 30 s).</param>
    public SweepFeed(string name, bool hasCurves, TimeSpan? idleAfter = null)
    {
        Name = name;
        HasCurves = hasCurves;
        IdleAfter = idleAfter ?? TimeSpan.FromSeconds(30);
    }

    public string Name { get; }

    public bool HasCurves { get; }

    /// <summary>Distinguishes this feed's event ids from those of an earlier server (ids restart with it).</summary>
    public string Epoch { get { lock (_gate) return _epoch; } }

    private string _epoch = NewEpoch();

    /// <summary>Whether the source has been read at least once.</summary>
    public bool HasState { get { lock (_gate) return _sweep is not null; } }

    private static string NewEpoch() => Convert.ToHexString(Guid.NewGuid().ToByteArray()[..6]).ToLowerInvariant();

    /// <summary>Takes in a new reading of the source; appends an event per run that changed, and one if the counts did.</summary>
    /// <returns>The number of events appended.</returns>
    public int Apply(SweepFrame frame, long timestampMs)
    {
        lock (_gate)
        {
            long first = _seq;
            if (ReferenceEquals(frame, _lastFrame)) return 0; // the source saw nothing change
            _lastFrame = frame;
            if (_sweep is null || !SameAxes(_axes, frame.Axes))
            {
                // First reading, or the axes changed (a different sweep under the same name): the state is taken as it
                // is, with no event per run (no page holds anything to update), under a new epoch, so that a page that
                // has an id of the old state starts from a snapshot of this one.
                _axes = frame.Axes;
                _metrics = frame.Metrics;
                _runs.Clear();
                _order.Clear();
                _log.Clear();
                foreach (var run in frame.Runs)
                {
                    if (!_runs.ContainsKey(run.Id)) _order.Add(run.Id);
                    _runs[run.Id] = run;
                }
                _sweep = frame.Sweep;
                _epoch = NewEpoch();
                _snapshot = null;
                Notify();
                return 0;
            }
            foreach (var run in frame.Runs)
            {
                if (_runs.TryGetValue(run.Id, out var known) && (ReferenceEquals(known, run) || known.ChangeKey == run.ChangeKey)) continue;
                if (known is null) _order.Add(run.Id);
                _runs[run.Id] = run;
                Append("run", UiJson.Write(new { t = timestampMs, run }));
            }
            if (_sweep != frame.Sweep)
            {
                _sweep = frame.Sweep;
                Append("sweep", UiJson.Write(new { t = timestampMs, sweep = frame.Sweep }));
            }
            if (_seq != first) Notify();
            return (int)(_seq - first);
        }
    }

    /// <summary>The whole state now as a <c>reset</c> event whose id is that of the last event it includes.</summary>
    public FeedEvent SnapshotEvent()
    {
        lock (_gate)
        {
            if (_snapshot is { } cached && cached.Seq == _seq && cached.Id.StartsWith(_epoch, StringComparison.Ordinal)) return cached;
            var (snapshot, seq, id) = Snapshot();
            return _snapshot = new FeedEvent(seq, id, "reset", UiJson.Write(snapshot));
        }
    }

    /// <summary>The whole state now and the id of the last event it includes.</summary>
    public (UiSnapshot Snapshot, long Seq, string Id) Snapshot()
    {
        lock (_gate)
        {
            var runs = _order.Select(id => _runs[id]).ToList();
            return (new UiSnapshot(Summary, _axes, _metrics, runs, HasCurves), _seq, $"{_epoch}-{_seq.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    /// <summary>The sweep's counts now (a placeholder until the first reading).</summary>
    public UiSweep Summary
    {
        get
        {
            lock (_gate) return _sweep ?? new UiSweep(Name, 0, 0, 0, 0, 0, 0, false, "", 0, 0, "waiting for the sweep's first report");
        }
    }

    /// <summary>Whether the sweep has a run of this id.</summary>
    public bool HasRun(string runId)
    {
        lock (_gate) return _runs.ContainsKey(runId);
    }

    /// <summary>
    /// The events after <paramref name="lastEventId"/> (an id this feed gave out), or null when the page must start
    /// from a snapshot: no id, another epoch's id, a malformed one, or one older than the log keeps.
    /// </summary>
    public IReadOnlyList<FeedEvent>? After(string? lastEventId)
    {
        if (!TryParse(lastEventId, out var seq)) return null;
        lock (_gate)
        {
            if (seq > _seq) return null;
            long oldest = _log.Count == 0 ? _seq + 1 : _log[0].Seq;
            if (seq < oldest - 1) return null;
            int from = (int)(seq - oldest + 1);
            return from >= _log.Count ? [] : _log.GetRange(from, _log.Count - from);
        }
    }

    /// <summary>Completes when an event after <paramref name="seq"/> exists (or at once if one does).</summary>
    public Task WaitAfterAsync(long seq)
    {
        lock (_gate) return _seq > seq ? Task.CompletedTask : _changed.Task;
    }

    public bool TryParse(string? id, out long seq)
    {
        seq = 0;
        if (string.IsNullOrEmpty(id)) return false;
        int dash = id.LastIndexOf('-');
        return dash > 0 && id.AsSpan(0, dash).SequenceEqual(Epoch.AsSpan())
            && long.TryParse(id.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out seq);
    }

    /// <summary>How long the feed keeps reading its source after the last page asked for it.</summary>
    public TimeSpan IdleAfter { get; }

    private long _lastInterest = Environment.TickCount64;

    /// <summary>A page asked for this sweep (or still streams it): keep reading the source.</summary>
    public void Touch() => Interlocked.Exchange(ref _lastInterest, Environment.TickCount64);

    private bool Idle => Environment.TickCount64 - Interlocked.Read(ref _lastInterest) > IdleAfter.TotalMilliseconds;

    /// <summary>
    /// Reads the source every interval until cancelled, while some page has asked for the sweep in the last
    /// <see cref="IdleAfter"/> (an unwatched sweep costs its grains nothing); a failed read is logged and tried again.
    /// </summary>
    public async Task FollowAsync(ISweepSource source, ILogger logger, CancellationToken cancellation)
    {
        string? lastProblem = null;
        while (!cancellation.IsCancellationRequested)
        {
            try
            {
                if (Idle && HasState)
                {
                    await Task.Delay(source.PollInterval, cancellation);
                    continue;
                }
                var frame = await source.ReadAsync(Name, cancellation);
                Apply(frame, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                lastProblem = null;
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                var problem = e.GetBaseException().Message;
                if (problem != lastProblem) logger.LogWarning("live view: sweep {Sweep} not read: {Problem}", Name, problem);
                lastProblem = problem;
                lock (_gate)
                    if (_sweep is { } known && known.Problem != problem)
                    {
                        _sweep = known with { Problem = "not read: " + problem };
                        Append("sweep", UiJson.Write(new { t = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), sweep = _sweep }));
                        Notify();
                    }
            }
            try
            {
                await Task.Delay(source.PollInterval, cancellation);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Append(string kind, string json)
    {
        ++_seq;
        _log.Add(new FeedEvent(_seq, $"{_epoch}-{_seq.ToString(CultureInfo.InvariantCulture)}", kind, json));
        if (_log.Count > Capacity + Capacity / 4) _log.RemoveRange(0, _log.Count - Capacity); // trimmed in batches
    }

    // Called under the lock: wakes every page waiting for an event.
    private void Notify()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.SetResult();
    }

    private static bool SameAxes(IReadOnlyList<UiAxis> a, IReadOnlyList<UiAxis> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.Name == p.Second.Name && p.First.Log == p.Second.Log
            && p.First.Labels.SequenceEqual(p.Second.Labels));
}
