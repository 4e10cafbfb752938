using System.Collections.Concurrent;
using Grokking.Grains.Checkpoints;

namespace Grokking.Silo.Tests.Cluster;

/// <summary>A checkpoint store that makes the next N saves of chosen runs throw, to make those runs fail on cue.</summary>
public sealed class FaultInjectingCheckpointStore(ICheckpointStore inner) : ICheckpointStore
{
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);

    /// <summary>The next <paramref name="saves"/> saves of <paramref name="runId"/> throw an IOException.</summary>
    public void FailSaves(string runId, int saves) => _failures[runId] = saves;

    public Task<byte[]?> LoadAsync(string sweepId, string runId, CancellationToken cancellation = default) =>
        inner.LoadAsync(sweepId, runId, cancellation);

    public Task SaveAsync(string sweepId, string runId, byte[] blob, CancellationToken cancellation = default)
    {
        if (_failures.TryGetValue(runId, out var left) && left > 0 && _failures.TryUpdate(runId, left - 1, left))
            throw new IOException($"injected checkpoint failure for {runId} ({left - 1} more to come)");
        return inner.SaveAsync(sweepId, runId, blob, cancellation);
    }

    public Task DeleteAsync(string sweepId, string runId, CancellationToken cancellation = default) =>
        inner.DeleteAsync(sweepId, runId, cancellation);
}
