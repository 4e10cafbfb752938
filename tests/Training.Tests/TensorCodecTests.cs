using Grokking.Training.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Grokking.Training.Tests;

/// <summary>A checkpoint blob is trusted only as far as its header adds up: nothing it claims is allocated unchecked.</summary>
public sealed class TensorCodecTests
{
    public TensorCodecTests() => TorchRuntime.Initialise();

    [Fact]
    public void A_tensor_round_trips()
    {
        using var original = arange(6, dtype: ScalarType.Float32).reshape(2, 3);
        var stream = new MemoryStream();
        TensorCodec.Write(new BinaryWriter(stream), original);
        stream.Position = 0;
        using var read = TensorCodec.Read(new BinaryReader(stream));
        Assert.True(read.equal(original).all().item<bool>());
    }

    [Theory]
    [InlineData(6, 2, new long[] { 100_000, 100_000 }, 4, "larger than 2 GB")]
    [InlineData(6, 9, new long[] { 1, 1, 1, 1, 1, 1, 1, 1, 1 }, 4, "rank 9")]
    [InlineData(6, 1, new long[] { -5 }, 4, "dimension -5")]
    [InlineData(6, 1, new long[] { 3 }, 400, "claims 400 bytes; its shape needs 12")]
    [InlineData(6, 1, new long[] { 3 }, 12, "the blob holds 0 more")]
    [InlineData(77, 1, new long[] { 3 }, 12, "unknown dtype 77")]
    public void A_header_that_does_not_add_up_is_refused_before_allocating(int dtype, int rank, long[] shape, int length, string expected)
    {
        var stream = new MemoryStream();
        var writer = new BinaryWriter(stream);
        writer.Write(dtype);
        writer.Write(rank);
        foreach (var d in shape) writer.Write(d);
        writer.Write(length);
        stream.Position = 0;
        var error = Assert.Throws<InvalidDataException>(() => TensorCodec.Read(new BinaryReader(stream)).Dispose());
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_tensor_of_another_shape_is_refused_by_its_header()
    {
        using var saved = zeros(4, dtype: ScalarType.Float32);
        var stream = new MemoryStream();
        TensorCodec.Write(new BinaryWriter(stream), saved);
        stream.Position = 0;
        using var target = zeros(3, dtype: ScalarType.Float32);
        var error = Assert.Throws<InvalidDataException>(() => TensorCodec.ReadInto(new BinaryReader(stream), target, "w"));
        Assert.Contains("is Float32[4], the run expects Float32[3]", error.Message);
    }
}
