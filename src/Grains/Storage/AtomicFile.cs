using Grokking.Grains.Metrics;

namespace Grokking.Grains.Storage;

/// <summary>Publishes a file all at once: written to a temp file beside it, fsynced, renamed into place, then the folder fsynced.</summary>
/// <remarks>
/// Readers see the old file or the new one, never a partial one; after a crash at most a temp file is left,
/// which readers ignore because they only open the final name.
/// </remarks>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="finalPath"/> through <paramref name="tempPath"/> (same folder, a name readers never open); returns once the rename is durable.</summary>
    /// <param name="writeBody">Writes the whole content; the stream is flushed to disk after it returns.</param>
    public static async Task WriteAsync(
        string finalPath, string tempPath, Func<Stream, CancellationToken, Task> writeBody, CancellationToken ct)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(finalPath))!;
        if (!string.Equals(folder, Path.GetDirectoryName(Path.GetFullPath(tempPath)), StringComparison.Ordinal))
            throw new ArgumentException(
                $"The temp file {tempPath} must be in the same folder as {finalPath}: only a rename within one folder is atomic.",
                nameof(tempPath));
        EnsureFolder(folder);
        try
        {
            await using (var stream = new FileStream(tempPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
            {
                await writeBody(stream, ct);
                stream.Flush(flushToDisk: true);
            }
            ct.ThrowIfCancellationRequested();
            File.Move(tempPath, finalPath, overwrite: true);
        }
        catch
        {
            // Best effort: a failure here must not hide why the write failed; callers sweep what is left.
            try { File.Delete(tempPath); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
        DirectoryFsync.Flush(folder);
    }

    /// <summary>Deletes a file if present and makes the delete durable; false when there was nothing to delete.</summary>
    public static bool Delete(string path)
    {
        if (!File.Exists(path)) return false;
        File.Delete(path);
        DirectoryFsync.Flush(Path.GetDirectoryName(Path.GetFullPath(path))!);
        return true;
    }

    /// <summary>Creates the folder and any missing parents, durably.</summary>
    public static void EnsureFolder(string folder)
    {
        // A folder created now is only durable once its parent's entry is; fsync each new level's parent.
        var missing = new Stack<string>();
        for (var dir = Path.GetFullPath(folder); !Directory.Exists(dir); dir = Path.GetDirectoryName(dir)!)
            missing.Push(dir);
        if (missing.Count == 0) return;
        Directory.CreateDirectory(folder);
        foreach (var created in missing)
            DirectoryFsync.Flush(Path.GetDirectoryName(created)!);
    }
}
