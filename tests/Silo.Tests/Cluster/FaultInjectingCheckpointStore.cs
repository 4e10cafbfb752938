using System.Collections.Concurrent;
using Grokking.Grains.Checkpoints;

namespace Grokking.Silo.Tests.Cluster;

/// <summary>
/// A checkpoint store that makes the next N saves of chosen runs throw: a non-transient fault (the run fails and is
/// retried up to max_failures) or a transient one (an outage: the run pauses and retries the save itself).
/// </summary>
public sealed class FaultInjectingCheckpointStore(ICheckpointStore inner) : ICheckpointStore
{
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, bool> _transient = new(StringComparer.Ordinal);

    /// <summary>The next <paramref name="saves"/> saves of <paramref name="runId"/> throw: an IOException when
    /// <paramref name="transient"/> (the store is down), else an <see cref="InjectedFault"/> (the run itself fails).</summary>
    public void FailSaves(string runId, int saves, bool transient = false)
    {
        _transient[runId] = transient;
        _failures[runId] = saves;
    }

    /// <summary>Saves that threw so far.</summary>
    public int Injected => Volatile.Read(ref _injected);

    private int _injected;

    public Task<byte[]?> LoadAsync(string sweepId, string runId, CancellationToken cancellation = default) =>
        inner.LoadAsync(sweepId, runId, cancellation);

    public Task SaveAsync(string sweepId, string runId, long fence, byte[] blob, CancellationToken cancellation = default)
    {
        if (_failures.TryGetValue(runId, out var left) && left > 0 && _failures.TryUpdate(runId, left - 1, left))
        {
            Interlocked.Increment(ref _injected);
            var message = $"injected checkpoint failure for {runId} ({left - 1} more to come)";
            throw _transient.GetValueOrDefault(runId) ? new IOException(message) : new InjectedFault(message);
        }
        return inner.SaveAsync(sweepId, runId, fence, blob, cancellation);
    }

    public Task DeleteAsync(string sweepId, string runId, CancellationToken cancellation = default) =>
        inner.DeleteAsync(sweepId, runId, cancellation);
}

/// <summary>A failure that is not an outage: the executor does not retry it, the run grain counts it against max_failures.</summary>
public sealed class InjectedFault(string message) : Exception(message);
