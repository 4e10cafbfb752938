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
    public static void ReadInto(BinaryReader reader, Tensor target, string name)
    {
        using var cpu = Read(reader);
        if (cpu.dtype != target.dtype || !cpu.shape.SequenceEqual(target.shape))
            throw new InvalidDataException(
                $"Checkpoint tensor '{name}' is {cpu.dtype}[{string.Join(",", cpu.shape)}], the run expects {target.dtype}[{string.Join(",", target.shape)}]: the checkpoint belongs to a different configuration.");
        using var _ = no_grad();
        target.copy_(cpu);
    }

    /// <summary>Reads a tensor written by <see cref="Write"/> as a new CPU tensor.</summary>
    public static Tensor Read(BinaryReader reader)
    {
        var dtype = (ScalarType)reader.ReadInt32();
        var shape = new long[reader.ReadInt32()];
        for (int i = 0; i < shape.Length; i++) shape[i] = reader.ReadInt64();
        var bytes = reader.ReadBytes(reader.ReadInt32());
        var result = empty(shape, dtype);
        result.bytes = bytes;
        return result;
    }
}
