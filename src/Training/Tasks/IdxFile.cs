using System.Buffers.Binary;
using System.IO.Compression;

namespace Grokking.Training.Tasks;

/// <summary>Reads IDX files (the MNIST format), raw or gzip-compressed.</summary>
public static class IdxFile
{
    /// <summary>The four files of an MNIST-format data set: training images and labels, then test images and labels.</summary>
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

    /// <summary>Most bytes of data one IDX file may claim (MNIST's training images are 47 MB).</summary>
    public const long MaxDataBytes = 1L << 30;

    /// <summary>The dimensions and the raw unsigned bytes of the file.</summary>
    public static (int[] Shape, byte[] Data) Read(string path)
    {
        using var stream = Open(path);
        var shape = ReadHeader(stream, path);
        var data = new byte[DataBytes(shape, path)];
        try
        {
            stream.ReadExactly(data);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"{path} ends before the {data.Length:N0} bytes its header ({string.Join(" x ", shape)}) promises.");
        }
        return (shape, data);
    }

    /// <summary>
    /// Checks an MNIST-format pair: images [n, rows, cols] and labels [n], every label below <paramref name="classes"/>.
    /// Null when they fit together, else what is wrong (the caller refuses the spec with it).
    /// </summary>
    public static string? CheckPair(string images, string labels, int classes)
    {
        var imageShape = ReadShape(images);
        if (imageShape.Length != 3)
            return $"{Path.GetFileName(images)} holds {imageShape.Length}-D items; accepted: images [count, rows, columns]";
        var (labelShape, values) = Read(labels);
        if (labelShape.Length != 1)
            return $"{Path.GetFileName(labels)} holds {labelShape.Length}-D items; accepted: one label per image";
        if (labelShape[0] != imageShape[0])
            return $"{Path.GetFileName(labels)} has {labelShape[0]:N0} labels for {imageShape[0]:N0} images in {Path.GetFileName(images)}";
        int bad = Array.FindIndex(values, v => v >= classes);
        return bad < 0 ? null : $"{Path.GetFileName(labels)}: label {values[bad]} at item {bad:N0}; accepted: 0 to {classes - 1}";
    }

    private static long DataBytes(int[] shape, string path)
    {
        long count = 1;
        foreach (var d in shape)
        {
            count *= d;
            if (count > MaxDataBytes)
                throw new InvalidDataException($"{path}: its header claims {string.Join(" x ", shape)} bytes of data; accepted: at most {MaxDataBytes >> 20} MB");
        }
        return count;
    }

    private static Stream Open(string path)
    {
        if (Grokking.Training.RegularFile.NotRegular(path) is { } what)
            throw new InvalidDataException($"{path} is {what}, not an IDX file");
        Stream file = File.OpenRead(path);
        return path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    private static int[] ReadHeader(Stream stream, string path)
    {
        Span<byte> magic = stackalloc byte[4];
        stream.ReadExactly(magic);
        if (magic[0] != 0 || magic[1] != 0 || magic[2] != 0x08)
            throw new InvalidDataException($"{path} is not an IDX file of unsigned bytes (magic {Convert.ToHexString(magic)}).");
        if (magic[3] is < 1 or > 4)
            throw new InvalidDataException($"{path}: {magic[3]} dimensions in its header; accepted: 1 to 4");
        var shape = new int[magic[3]];
        Span<byte> dim = stackalloc byte[4];
        for (int i = 0; i < shape.Length; i++)
        {
            stream.ReadExactly(dim);
            shape[i] = BinaryPrimitives.ReadInt32BigEndian(dim);
            if (shape[i] < 1)
                throw new InvalidDataException($"{path}: dimension {i + 1} of its header is {shape[i]}; accepted: at least 1");
        }
        DataBytes(shape, path);
        return shape;
    }
}
