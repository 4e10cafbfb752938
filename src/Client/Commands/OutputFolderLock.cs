using Grokking.Grains.Storage;

namespace Grokking.Client.Commands;

/// <summary>
/// An output folder held by one <c>grokking train</c> process for its whole life: an OS lock (flock) on
/// OUT/.grokking-train.lock. A second trainer on the same folder would write the same segments and checkpoints as the
/// first; it is refused before it writes anything.
/// </summary>
/// <remarks>
/// The kernel releases the lock when the process ends, however it ends, so a killed trainer never leaves the folder
/// locked. The lock file itself stays: deleting it while another process opens it would let two processes lock two
/// different files of the same name.
/// </remarks>
public sealed class OutputFolderLock : IDisposable
{
    private readonly FileStream _file;

    private OutputFolderLock(FileStream file) => _file = file;

    /// <summary>Takes the lock of <paramref name="outDir"/> (which must exist); null when another process holds it.</summary>
    public static OutputFolderLock? TryTake(string outDir)
    {
        var path = PathOf(outDir);
        try
        {
            // FileShare.None is an exclusive, non-blocking flock on Linux: it fails at once while another process holds it.
            return new OutputFolderLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1));
        }
        catch (IOException) when (File.Exists(path))
        {
            return null;
        }
    }

    /// <summary>The lock file of <paramref name="outDir"/>.</summary>
    public static string PathOf(string outDir) => OutputLayout.TrainLockFile(Path.GetFullPath(outDir));

    public void Dispose() => _file.Dispose();
}
