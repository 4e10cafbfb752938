using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Grokking.Training.Tasks;

/// <summary>
/// What an image task's data is, wherever it is mounted: the name, size and SHA-256 of each IDX file
/// <see cref="ImageTask"/> reads. Two clusters with the same files under different folders get the same identity.
/// </summary>
public static class ImageDataIdentity
{
    /// <summary>Largest file hashed: an IDX header and <see cref="IdxFile.MaxDataBytes"/>, with room for gzip's framing.</summary>
    public const long MaxFileBytes = IdxFile.MaxDataBytes + (1L << 20);

    // Every run of an image grid names the same folder; its files are read once per process, and again only when
    // their size or modification time says they changed.
    private static readonly ConcurrentDictionary<FileStamp, Lazy<string>> Hashes = new();

    private readonly record struct FileStamp(string Path, long Size, long WriteTicks);

    /// <summary>
    /// <c>sha256:</c> and 64 hex digits over one <c>name size sha256</c> line per file, in <see cref="IdxFile.RequiredFiles"/>
    /// order. The folder's own path is not part of it.
    /// </summary>
    /// <exception cref="FileNotFoundException">A required file is missing (raw and .gz).</exception>
    /// <exception cref="InvalidDataException">A file is not a regular file, or is larger than <see cref="MaxFileBytes"/>.</exception>
    /// <exception cref="IOException">A file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">A file may not be read.</exception>
    public static string Of(string folder)
    {
        var lines = new StringBuilder();
        foreach (var name in IdxFile.RequiredFiles)
        {
            var path = IdxFile.Locate(folder, name)
                ?? throw new FileNotFoundException($"{name} (or {name}.gz) not found in {folder}");
            var file = new FileInfo(path);
            lines.Append(file.Name).Append(' ').Append(file.Length).Append(' ').Append(ContentHash(file)).Append('\n');
        }
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(lines.ToString())));
    }

    private static string ContentHash(FileInfo file)
    {
        var stamp = new FileStamp(file.FullName, file.Length, file.LastWriteTimeUtc.Ticks);
        var hash = Hashes.GetOrAdd(stamp, s => new Lazy<string>(() => Hash(s)));
        try
        {
            return hash.Value;
        }
        catch
        {
            // A failed read is not remembered: the next parse tries again, e.g. after the permissions are fixed.
            Hashes.TryRemove(new KeyValuePair<FileStamp, Lazy<string>>(stamp, hash));
            throw;
        }
    }

    private static string Hash(FileStamp stamp)
    {
        if (Grokking.Training.RegularFile.NotRegular(stamp.Path) is { } what)
            throw new InvalidDataException($"{stamp.Path} is {what}, not an IDX file");
        if (stamp.Size > MaxFileBytes)
            throw new InvalidDataException(
                $"{stamp.Path} holds {stamp.Size:N0} bytes; accepted: IDX files of at most {IdxFile.MaxDataBytes >> 20} MB of data");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var stream = new FileStream(stamp.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
        {
            var buffer = new byte[1 << 20];
            long left = stamp.Size;
            int read;
            while (left > 0 && (read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left))) > 0)
            {
                hash.AppendData(buffer, 0, read);
                left -= read;
            }
        }
        // The hash is remembered under the stamp taken before reading; a file rewritten meanwhile must not get it.
        var after = new FileInfo(stamp.Path);
        if (after.Length != stamp.Size || after.LastWriteTimeUtc.Ticks != stamp.WriteTicks)
            throw new IOException($"{stamp.Path} changed while it was read; try again once it is complete");
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
