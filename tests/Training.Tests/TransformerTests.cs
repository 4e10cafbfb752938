using Grokking.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Grokking.Training.Tests;

public class TransformerTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_last_blocks_shortcut_attends_exactly_as_the_full_block_does_at_the_last_position(bool layerNorm)
    {
        // TransformerModel runs its last block for the last position only; that must be the same function as the
        // causal block over every position, read at the last one.
        TorchRuntime.Initialise();
        using var scope = NewDisposeScope();
        using var block = new TransformerBlock(width: 32, heads: 4, ffnWidth: 64, layerNorm);
        using (var generator = new Generator(7))
        using (no_grad())
            block.Initialise(generator);
        using (var generator = new Generator(8))
        {
            var h = randn([16, 5, 32], generator: generator);
            var full = block.Attend(h).select(1, -1);
            var shortcut = block.AttendFromLast(h);
            Assert.Equal(full.shape, shortcut.shape);
            if (!full.allclose(shortcut, rtol: 1e-5, atol: 1e-6))
            {
                // An explicit, held alpha: a - b would hand torch a temporary Scalar the GC may free mid-op (Scalars).
                using var minusOne = (-1.0).ToScalar();
                Assert.Fail($"largest difference {full.add(shortcut, minusOne).abs().max().item<float>()}");
            }
            // Not trivially equal: the first position's output differs from the last's.
            Assert.False(block.Attend(h).select(1, 0).allclose(full, rtol: 1e-3, atol: 1e-3));
        }
    }

    [Fact]
    public void Gradients_reach_every_parameter_of_the_last_block()
    {
        // The shortcut slices the fused query-key-value projection; its whole weight and bias must still learn.
        TorchRuntime.Initialise();
        using var scope = NewDisposeScope();
        using var model = new TransformerModel(vocabulary: 12, sequenceLength: 4, depth: 2, width: 32, heads: 4,
            ffnWidth: 64, dropout: 0, layerNorm: true, classes: 10);
        using (var generator = new Generator(3)) model.Initialise(generator, 1.0);
        var input = randint(0, 12, [8, 4], dtype: ScalarType.Int64);
        model.forward(input).sum().backward();
        foreach (var (name, p) in model.named_parameters())
        {
            Assert.True(p.grad is not null, $"{name} has no gradient");
            if (name.Contains("qkv")) Assert.True(p.grad!.abs().sum().item<float>() > 0, $"{name}'s gradient is zero");
        }
    }
}
