using System.Globalization;
using System.Text;
using Grokking.Grains.Storage;

namespace Grokking.Grains.Fencing;

/// <summary>
/// The fence of runs whose output is files: a token file per run, OUT/sweep=&lt;sweep&gt;/fences/run=&lt;run&gt;.token,
/// replaced atomically, beside a lock file that is never replaced. Claims and file commits (a segment or checkpoint
/// renamed into place, a discard) both take the run's lock, so a commit checks the token and publishes its file as
/// one step: no claim can slip between the check and the rename.
/// </summary>
/// <remarks>
/// The lock is an OS file lock (<see cref="FileShare.None"/> is flock on Linux, which Linux NFS clients carry out as the
/// protocol's own byte-range lock), released when its holder dies, so a killed writer never wedges a run. A writer that is frozen
/// while it holds the lock (a stopped process, a paused VM) delays a claim until it wakes or dies, never longer: the
/// lock is held only to read the token and rename one file, and fsyncs happen outside it.
/// </remarks>
public sealed class FileRunFence(string outDir) : IRunFence
{
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(30);

    /// <summary>The file holding a run's current token (absent until the first claim).</summary>
    public string TokenPathOf(string sweepId, string runId) => OutputLayout.FenceFile(outDir, sweepId, runId, ".token");

    private string LockPathOf(string sweepId, string runId) => OutputLayout.FenceFile(outDir, sweepId, runId, ".lock");

    // File work goes to the thread pool: run grains call these from the Orleans scheduler, which must not block.
    public Task<long> CurrentAsync(string sweepId, string runId, CancellationToken cancellation = default) =>
        Task.Run(() => Read(TokenPathOf(sweepId, runId)), cancellation);

    public Task ClaimAsync(string sweepId, string runId, long token, CancellationToken cancellation = default) =>
        Task.Run(() => Commit(sweepId, runId, token, () => { }), cancellation);

    /// <summary>
    /// Runs <paramref name="commit"/> (a rename or delete that publishes this attempt's output) while holding the run's
    /// lock, if <paramref name="token"/> is the run's current token; a token above the stored one is claimed first.
    /// </summary>
    /// <exception cref="FencedOutException">A newer attempt claimed the run; <paramref name="commit"/> did not run.</exception>
    /// <exception cref="IOException">The lock stayed taken for 30 s, or the file system failed; worth retrying.</exception>
    public void Commit(string sweepId, string runId, long token, Action commit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(token);
        var tokenPath = TokenPathOf(sweepId, runId);
        using (Lock(sweepId, runId))
        {
            long current = Read(tokenPath);
            if (current > token) throw new FencedOutException(sweepId, runId, token, current);
            if (current < token)
                AtomicFile.Write(tokenPath, Encoding.ASCII.GetBytes(token.ToString(CultureInfo.InvariantCulture)));
            commit();
        }
    }

    private FileStream Lock(string sweepId, string runId)
    {
        var path = LockPathOf(sweepId, runId);
        AtomicFile.EnsureFolder(Path.GetDirectoryName(path)!);
        var deadline = DateTime.UtcNow + LockWait;
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);
            }
            catch (IOException e) when (e is not (DirectoryNotFoundException or PathTooLongException))
            {
                if (DateTime.UtcNow > deadline)
                    throw new IOException(
                        $"Could not lock {path} within {LockWait.TotalSeconds:F0} s: another writer of run {runId} holds it ({e.Message}).", e);
                Thread.Sleep(Math.Min(50, 1 << Math.Min(attempt, 6)));
            }
        }
    }

    private static long Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.ASCII);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return 0;
        }
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var token))
            throw new InvalidDataException(
                $"Fence file {path} holds '{text}', not a token (a whole number); delete it only while no attempt of the run is running.");
        return token;
    }
}
