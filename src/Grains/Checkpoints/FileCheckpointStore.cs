using Grokking.Grains.Fencing;
using Grokking.Grains.Storage;

namespace Grokking.Grains.Checkpoints;

/// <summary>Checkpoints as files under OUT/sweep=&lt;sweep&gt;/checkpoints/, replaced atomically (write, fsync, rename, fsync the folder).</summary>
/// <remarks>
/// Each save writes its own temp file, so two writers never share one; the rename into place happens under the run's
/// fence (<see cref="FileRunFence"/>), so a stale attempt's save is refused and leaves nothing behind.
/// </remarks>
public sealed class FileCheckpointStore(string outDir) : ICheckpointStore
{
    private readonly FileRunFence _fence = new(outDir);

    /// <summary>The file holding a run's checkpoint.</summary>
    public string PathOf(string sweepId, string runId) => OutputLayout.CheckpointFile(outDir, sweepId, runId);

    public async Task<byte[]?> LoadAsync(string sweepId, string runId, CancellationToken cancellation = default)
    {
        var path = PathOf(sweepId, runId);
        return File.Exists(path) ? await File.ReadAllBytesAsync(path, cancellation) : null;
    }

    public async Task SaveAsync(string sweepId, string runId, long fence, byte[] blob, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var path = PathOf(sweepId, runId);
        var folder = Path.GetDirectoryName(path)!;
        var temp = await AtomicFile.WriteTempAsync(path, (file, ct) => file.WriteAsync(blob, ct).AsTask(), cancellation);
        try
        {
            _fence.Commit(sweepId, runId, fence, () => AtomicFile.Rename(temp, path));
        }
        finally
        {
            // Refused (or failed): the temp file must not linger; after a rename it is already gone.
            AtomicFile.TryDelete(temp);
        }
        // The new name must be durable before the run reports the checkpoint saved.
        DirectoryFsync.Flush(folder);
    }

    public Task DeleteAsync(string sweepId, string runId, CancellationToken cancellation = default)
    {
        AtomicFile.Delete(PathOf(sweepId, runId));
        return Task.CompletedTask;
    }
}
