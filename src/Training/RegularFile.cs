using System.Runtime.InteropServices;

namespace Grokking.Training;

/// <summary>
/// Whether a path names a regular file, asked of the operating system without opening it: opening a FIFO blocks
/// until someone writes to it, and /dev/zero never ends, so input files are checked before they are read.
/// .NET reports neither (FileInfo sees a FIFO and a device as ordinary empty files), hence the one stat(2) call.
/// </summary>
public static partial class RegularFile
{
    private const uint TypeMask = 0xF000, Regular = 0x8000, Fifo = 0x1000, CharacterDevice = 0x2000, BlockDevice = 0x6000, Socket = 0xC000;

    /// <summary>Null for a regular file (or where the type cannot be asked); else what the path is, e.g. "a FIFO (named pipe)".</summary>
    public static string? NotRegular(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        // st_mode's offset in glibc's struct stat: after st_dev, st_ino and (x64 only) st_nlink.
        int offset = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 24,
            Architecture.Arm64 => 16,
            _ => -1,
        };
        if (offset < 0) return null;
        var buffer = new byte[256];
        try
        {
            if (Stat(path, buffer) != 0) return null; // missing or unreadable: the caller's open says so
        }
        catch (EntryPointNotFoundException)
        {
            return null; // glibc before 2.33 exports stat only as __xstat; the size checks still bound what is read
        }
        uint mode = BitConverter.ToUInt32(buffer, offset);
        return (mode & TypeMask) switch
        {
            Regular => null,
            Fifo => "a FIFO (named pipe)",
            CharacterDevice or BlockDevice => "a device",
            Socket => "a socket",
            0x4000 => "a folder",
            _ => "not a regular file",
        };
    }

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Stat(string path, byte[] buffer);
}
