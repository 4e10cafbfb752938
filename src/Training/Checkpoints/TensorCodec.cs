using static TorchSharp.torch;

namespace Grokking.Training.Checkpoints;

/// <summary>Writes tensors as dtype, shape and raw bytes, and reads them back into existing tensors.</summary>
public static class TensorCodec
{
    public static void Write(BinaryWriter writer, Tensor tensor)
    {
        using var cpu = tensor.detach().cpu().contiguous();
        writer.Write((int)cpu.dtype);
        writer.Write(cpu.shape.Length);
        foreach (var d in cpu.shape) writer.Write(d);
        var bytes = cpu.bytes;
        writer.Write(bytes.Length);
        writer.Write(bytes);
    }

    /// <summary>Reads a tensor written by <see cref="Write"/> into <paramref name="target"/>, which must match in dtype and shape.</summary>
    /// <remarks>The header is compared with the target before anything is allocated: a blob that passes its checksum
    /// but was written by another configuration (or crafted) cannot make the reader allocate what it claims.</remarks>
    public static void ReadInto(BinaryReader reader, Tensor target, string name)
    {
        var (dtype, shape, length) = ReadHeader(reader);
        if (dtype != target.dtype || !shape.SequenceEqual(target.shape))
            throw new InvalidDataException(
                $"Checkpoint tensor '{name}' is {dtype}[{string.Join(",", shape)}], the run expects {target.dtype}[{string.Join(",", target.shape)}]: the checkpoint belongs to a different configuration.");
        using var cpu = ReadData(reader, dtype, shape, length);
        using var _ = no_grad();
        target.copy_(cpu);
    }

    /// <summary>Reads a tensor written by <see cref="Write"/> as a new CPU tensor.</summary>
    public static Tensor Read(BinaryReader reader)
    {
        var (dtype, shape, length) = ReadHeader(reader);
        return ReadData(reader, dtype, shape, length);
    }

    private static readonly Dictionary<ScalarType, int> ElementSizes = new()
    {
        [ScalarType.Float32] = 4, [ScalarType.Float64] = 8, [ScalarType.Int64] = 8, [ScalarType.Int32] = 4,
        [ScalarType.Float16] = 2, [ScalarType.BFloat16] = 2, [ScalarType.Bool] = 1, [ScalarType.Byte] = 1, [ScalarType.Int8] = 1,
    };

    /// <summary>dtype, shape and byte count, each checked against the others and against what the stream still holds.</summary>
    private static (ScalarType Dtype, long[] Shape, int Length) ReadHeader(BinaryReader reader)
    {
        var dtype = (ScalarType)reader.ReadInt32();
        if (!ElementSizes.TryGetValue(dtype, out var size)) throw new InvalidDataException($"Checkpoint tensor of unknown dtype {(int)dtype}.");
        int rank = reader.ReadInt32();
        if (rank is < 0 or > 8) throw new InvalidDataException($"Checkpoint tensor of rank {rank}; accepted: 0 to 8.");
        var shape = new long[rank];
        long elements = 1;
        for (int i = 0; i < rank; i++)
        {
            shape[i] = reader.ReadInt64();
            if (shape[i] is < 0 or > int.MaxValue) throw new InvalidDataException($"Checkpoint tensor dimension {shape[i]}.");
            elements *= shape[i];
            if (elements * size > int.MaxValue) throw new InvalidDataException($"Checkpoint tensor [{string.Join(",", shape[..(i + 1)])}...] larger than 2 GB.");
        }
        int length = reader.ReadInt32();
        long remaining = reader.BaseStream.CanSeek ? reader.BaseStream.Length - reader.BaseStream.Position : long.MaxValue;
        if (length != elements * size || length > remaining)
            throw new InvalidDataException($"Checkpoint tensor {dtype}[{string.Join(",", shape)}] claims {length} bytes; its shape needs {elements * size}, the blob holds {remaining} more.");
        return (dtype, shape, length);
    }

    private static Tensor ReadData(BinaryReader reader, ScalarType dtype, long[] shape, int length)
    {
        var bytes = reader.ReadBytes(length);
        var result = empty(shape, dtype);
        result.bytes = bytes;
        return result;
    }
}
