using Grokking.Grains.Metrics;

namespace Grokking.Grains.Checkpoints;

/// <summary>Checkpoints as files under OUT/sweep=&lt;sweep&gt;/checkpoints/, replaced atomically (write, fsync, rename).</summary>
public sealed class FileCheckpointStore(string outDir) : ICheckpointStore
{
    /// <summary>The file holding a run's checkpoint.</summary>
    public string PathOf(string sweepId, string runId) =>
        Path.Combine(MetricDatasetLayout.SweepFolder(outDir, sweepId), "checkpoints", $"run={runId}.ckpt");

    public async Task<byte[]?> LoadAsync(string sweepId, string runId, CancellationToken cancellation = default)
    {
        var path = PathOf(sweepId, runId);
        return File.Exists(path) ? await File.ReadAllBytesAsync(path, cancellation) : null;
    }

    public async Task SaveAsync(string sweepId, string runId, byte[] blob, CancellationToken cancellation = default)
    {
        var path = PathOf(sweepId, runId);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        await using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
        {
            await file.WriteAsync(blob, cancellation);
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    public Task DeleteAsync(string sweepId, string runId, CancellationToken cancellation = default)
    {
        File.Delete(PathOf(sweepId, runId));
        return Task.CompletedTask;
    }
}
