using Grokking.Training.Config;
using Grokking.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Grokking.Training.Tests;

public class TransformerTests
{
    [Theory]
    [InlineData("pre")]
    [InlineData("post")]
    [InlineData("none")]
    public void The_last_blocks_shortcut_computes_exactly_what_the_full_block_does_at_the_last_position(string norm)
    {
        // TransformerModel runs its last block for the last position only; that must be the same function as the
        // causal block over every position, read at the last one, whatever the norm placement.
        TorchRuntime.Initialise();
        using var scope = NewDisposeScope();
        using var block = new TransformerBlock(width: 32, heads: 4, ffnWidth: 64, norm);
        using (var generator = new Generator(7))
        using (no_grad())
            block.InitialiseTorch(generator);
        using (var generator = new Generator(8))
        {
            var h = randn([16, 5, 32], generator: generator);
            var full = block.Forward(h, x => x, out var fullHidden).select(1, -1);
            var shortcut = block.ForwardLast(h, x => x, out var lastHidden);
            Assert.Equal(full.shape, shortcut.shape);
            AssertClose(full, shortcut);
            AssertClose(fullHidden.select(1, -1), lastHidden);
            // Not trivially equal: the first position's output differs from the last's.
            Assert.False(block.Forward(h, x => x, out _).select(1, 0).allclose(full, rtol: 1e-3, atol: 1e-3));
        }
    }

    [Fact]
    public void Post_norm_normalises_each_residual_sum_and_pre_norm_leaves_the_stream_unnormalised()
    {
        // openai/grok's blocks end in LayerNorm(a1 + ffn(a1)) (grok/transformer.py:234): every position of a
        // post-norm block's output has mean 0 and variance 1 (LayerNorm's initial affine is the identity).
        TorchRuntime.Initialise();
        using var scope = NewDisposeScope();
        using var post = new TransformerBlock(32, 4, 64, "post");
        using var pre = new TransformerBlock(32, 4, 64, "pre");
        using (var generator = new Generator(7))
        using (no_grad())
        {
            post.InitialiseTorch(generator);
            pre.InitialiseTorch(generator);
        }
        using var three = 3.0.ToScalar(); // held until the ops returned (see Scalars)
        using var one = 1.0.ToScalar();
        var h = randn([8, 5, 32], generator: new Generator(3)).mul(three);
        var outPost = post.Forward(h, x => x, out _);
        Assert.True(outPost.mean([-1]).abs().max().item<float>() < 1e-4);
        Assert.True(outPost.var([-1], unbiased: false).sub(one).abs().max().item<float>() < 1e-3);
        var outPre = pre.Forward(h, x => x, out _);
        Assert.True(outPre.var([-1], unbiased: false).mean().item<float>() > 4, "pre-norm output should keep the input's scale");
    }

    [Fact]
    public void Gradients_reach_every_parameter_of_the_last_block()
    {
        // The shortcut slices the fused query-key-value projection; its whole weight and bias must still learn.
        TorchRuntime.Initialise();
        using var scope = NewDisposeScope();
        using var model = new TransformerModel(new ModelConfig { Depth = 2, Width = 32, Heads = 4, FfnWidth = 64 },
            vocabulary: 12, sequenceLength: 4, classes: 10);
        using (var generator = new Generator(3)) model.Initialise(generator, 1.0);
        var input = randint(0, 12, [8, 4], dtype: ScalarType.Int64);
        model.forward(input).sum().backward();
        foreach (var (name, p) in model.named_parameters())
        {
            Assert.True(p.grad is not null, $"{name} has no gradient");
            if (name.Contains("qkv")) Assert.True(p.grad!.abs().sum().item<float>() > 0, $"{name}'s gradient is zero");
        }
    }

    [Fact]
    public void Two_scored_positions_give_the_logits_of_the_last_two_positions()
    {
        // openai/grok scores the answer and the end token after it: [N, 2, classes], the last two positions of the
        // full causal model. Position L-2 must not depend on the token at L-1 (the answer itself).
        TorchRuntime.Initialise();
        using var scope = NewDisposeScope();
        using var model = new TransformerModel(ModelPresets.Power with { Width = 32, FfnWidth = 64 }, vocabulary: 20, sequenceLength: 6, classes: 20, answers: 2);
        using (var generator = new Generator(3)) model.Initialise(generator, 1.0);
        model.eval();
        var input = randint(0, 20, [4, 6], dtype: ScalarType.Int64, generator: new Generator(5));
        var logits = model.forward(input);
        Assert.Equal(new long[] { 4, 2, 20 }, logits.shape);
        using var oneToken = 1L.ToScalar(); // held until the ops returned (see Scalars)
        using var vocabulary = 20L.ToScalar();
        var changed = input.clone();
        changed[TensorIndex.Colon, 5] = changed[TensorIndex.Colon, 5].add(oneToken).remainder(vocabulary);
        var other = model.forward(changed);
        AssertClose(logits.select(1, 0), other.select(1, 0));
        Assert.False(logits.select(1, 1).allclose(other.select(1, 1)));
    }

    private static void AssertClose(Tensor expected, Tensor actual)
    {
        if (expected.allclose(actual, rtol: 1e-5, atol: 1e-6)) return;
        // An explicit, held alpha: a - b would hand torch a temporary Scalar the GC may free mid-op (Scalars).
        using var minusOne = (-1.0).ToScalar();
        Assert.Fail($"largest difference {expected.add(actual, minusOne).abs().max().item<float>()}");
    }
}
