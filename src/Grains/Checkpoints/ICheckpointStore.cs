namespace Grokking.Grains.Checkpoints;

/// <summary>Where runs keep their latest checkpoint blob: Redis in a cluster, files in embedded mode.</summary>
public interface ICheckpointStore
{
    /// <summary>The latest checkpoint of a run, or null when it has none.</summary>
    Task<byte[]?> LoadAsync(string sweepId, string runId, CancellationToken cancellation = default);

    /// <summary>Replaces the run's checkpoint if <paramref name="fence"/> is the run's current fence token; returns only once the blob is durable.</summary>
    /// <param name="fence">The saving attempt's token (DESIGN.md, invariant 6).</param>
    /// <exception cref="Fencing.FencedOutException">A newer attempt holds a greater token; nothing was saved.</exception>
    Task SaveAsync(string sweepId, string runId, long fence, byte[] blob, CancellationToken cancellation = default);

    /// <summary>Removes the run's checkpoint (once its final metrics are durable).</summary>
    Task DeleteAsync(string sweepId, string runId, CancellationToken cancellation = default);
}
