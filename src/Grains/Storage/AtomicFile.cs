namespace Grokking.Grains.Storage;

/// <summary>Publishes a file all at once: written to a temp file beside it, fsynced, renamed into place, then the folder fsynced.</summary>
/// <remarks>
/// Readers see the old file or the new one, never a partial one; after a crash at most a temp file is left
/// (named by <see cref="OutputLayout.TempPathFor"/>), which readers ignore because they only open final names.
/// Writers that must check something at the moment of publishing (a fence token) write the temp file with
/// <see cref="WriteTempAsync"/> and rename it with <see cref="Rename"/> (then fsync the folder) or <see cref="Publish"/>.
/// </remarks>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="finalPath"/> through a temp file beside it; returns once the rename is durable.</summary>
    /// <param name="writeBody">Writes the whole content; the stream is flushed to disk after it returns.</param>
    public static async Task WriteAsync(string finalPath, Func<Stream, CancellationToken, Task> writeBody, CancellationToken ct)
    {
        var tempPath = await WriteTempAsync(finalPath, writeBody, ct);
        if (ct.IsCancellationRequested)
        {
            TryDelete(tempPath);
            ct.ThrowIfCancellationRequested();
        }
        Publish(tempPath, finalPath);
    }

    /// <summary>Writes a small file atomically and durably, synchronously (for a few bytes, such as a token).</summary>
    public static void Write(string finalPath, byte[] content)
    {
        var tempPath = OutputLayout.TempPathFor(finalPath);
        EnsureFolder(Path.GetDirectoryName(Path.GetFullPath(tempPath))!);
        try
        {
            using (var stream = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
        }
        catch
        {
            TryDelete(tempPath);
            throw;
        }
        Publish(tempPath, finalPath);
    }

    /// <summary>Writes and fsyncs a fresh temp file beside <paramref name="finalPath"/> (creating the folder) and returns its path; on failure nothing is left of it.</summary>
    /// <param name="writeBody">Writes the whole content; the stream is flushed to disk after it returns.</param>
    public static async Task<string> WriteTempAsync(string finalPath, Func<Stream, CancellationToken, Task> writeBody, CancellationToken ct)
    {
        var tempPath = OutputLayout.TempPathFor(finalPath);
        EnsureFolder(Path.GetDirectoryName(Path.GetFullPath(tempPath))!);
        try
        {
            await using var stream = new FileStream(tempPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16);
            await writeBody(stream, ct);
            stream.Flush(flushToDisk: true);
        }
        catch
        {
            TryDelete(tempPath);
            throw;
        }
        return tempPath;
    }

    /// <summary>Renames a durable temp file over <paramref name="finalPath"/> in the same folder and makes the rename durable.</summary>
    /// <remarks>If the rename fails the temp file is deleted; callers sweep anything a crash leaves.</remarks>
    public static void Publish(string tempPath, string finalPath)
    {
        var folder = CheckSameFolder(finalPath, tempPath);
        Rename(tempPath, finalPath);
        DirectoryFsync.Flush(folder);
    }

    /// <summary>Renames a durable temp file over <paramref name="finalPath"/> without fsyncing the folder (the caller does, see <see cref="DirectoryFsync"/>).</summary>
    public static void Rename(string tempPath, string finalPath)
    {
        try
        {
            File.Move(tempPath, finalPath, overwrite: true);
        }
        catch
        {
            TryDelete(tempPath);
            throw;
        }
    }

    /// <summary>Deletes a file if present and makes the delete durable; false when there was nothing to delete.</summary>
    public static bool Delete(string path)
    {
        if (!File.Exists(path)) return false;
        File.Delete(path);
        DirectoryFsync.Flush(Path.GetDirectoryName(Path.GetFullPath(path))!);
        return true;
    }

    /// <summary>Deletes a file if it can; a failure here must not hide the error that made the caller clean up.</summary>
    public static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
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

    // Only a rename within one folder is atomic.
    private static string CheckSameFolder(string finalPath, string tempPath)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(finalPath))!;
        if (!string.Equals(folder, Path.GetDirectoryName(Path.GetFullPath(tempPath)), StringComparison.Ordinal))
            throw new ArgumentException(
                $"The temp file {tempPath} must be in the same folder as {finalPath}: only a rename within one folder is atomic.",
                nameof(tempPath));
        return folder;
    }
}
