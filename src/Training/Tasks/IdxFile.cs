using System.Buffers.Binary;
using System.IO.Compression;

namespace Grokking.Training.Tasks;

/// <summary>Reads IDX files (the MNIST format), raw or gzip-compressed.</summary>
public static class IdxFile
{
    /// <summary>The four files of an MNIST-format data set, by role.</summary>
    public static readonly IReadOnlyList<string> RequiredFiles =
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    /// <summary>The path of <paramref name="name"/> in <paramref name="folder"/>, raw or .gz; null when neither exists.</summary>
    public static string? Locate(string folder, string name)
    {
        var raw = Path.Combine(folder, name);
        if (File.Exists(raw)) return raw;
        var gz = raw + ".gz";
        return File.Exists(gz) ? gz : null;
    }

    /// <summary>The dimensions stored in the file's header (first is the item count).</summary>
    public static int[] ReadShape(string path)
    {
        using var stream = Open(path);
        return ReadHeader(stream, path);
    }

    /// <summary>The dimensions and the raw unsigned bytes of the file.</summary>
    public static (int[] Shape, byte[] Data) Read(string path)
    {
        using var stream = Open(path);
        var shape = ReadHeader(stream, path);
        long count = shape.Aggregate(1L, (a, d) => a * d);
        var data = new byte[count];
        stream.ReadExactly(data);
        return (shape, data);
    }

    private static Stream Open(string path)
    {
        Stream file = File.OpenRead(path);
        return path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    private static int[] ReadHeader(Stream stream, string path)
    {
        Span<byte> magic = stackalloc byte[4];
        stream.ReadExactly(magic);
        if (magic[0] != 0 || magic[1] != 0 || magic[2] != 0x08)
            throw new InvalidDataException($"{path} is not an IDX file of unsigned bytes (magic {Convert.ToHexString(magic)}).");
        var shape = new int[magic[3]];
        Span<byte> dim = stackalloc byte[4];
        for (int i = 0; i < shape.Length; i++)
        {
            stream.ReadExactly(dim);
            shape[i] = BinaryPrimitives.ReadInt32BigEndian(dim);
        }
        return shape;
    }
}
