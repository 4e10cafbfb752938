using System.Runtime.InteropServices;

namespace Grokking.Grains.Storage;

/// <summary>Makes a directory's entries (renames, deletes) durable on POSIX systems.</summary>
/// <remarks>
/// fsync on the file only persists its bytes; the rename that publishes it lives in the directory,
/// and .NET cannot open a directory as a stream, so this goes to libc. Windows has no equivalent
/// call, and NTFS journals the rename, so there it does nothing.
/// </remarks>
internal static class DirectoryFsync
{
    private const int ReadOnly = 0;

    /// <summary>fsync the directory at <paramref name="path"/>; throws IOException if the OS reports a failure.</summary>
    public static void Flush(string path)
    {
        if (OperatingSystem.IsWindows()) return;
        int fd = Open(path, ReadOnly);
        if (fd < 0)
            throw new IOException($"Could not open folder {path} to fsync it (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (Fsync(fd) != 0)
                throw new IOException($"fsync of folder {path} failed (errno {Marshal.GetLastPInvokeError()}).");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
