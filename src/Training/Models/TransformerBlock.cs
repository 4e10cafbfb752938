using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Grokking.Training.Models;

/// <summary>
/// One transformer block: causal multi-head self-attention, then a ReLU feed-forward layer, each with a residual
/// connection. LayerNorm before each sublayer (pre), after each residual add (post, openai/grok's DecoderBlock,
/// grok/transformer.py:226-234) or nowhere (Nanda et al.).
/// </summary>
public sealed class TransformerBlock : nn.Module
{
    private readonly int _heads;
    private readonly bool _post;
    private readonly Linear qkv;
    private readonly Linear output;
    private readonly Linear ffnIn;
    private readonly Linear ffnOut;
    private readonly LayerNorm? attnNorm;
    private readonly LayerNorm? ffnNorm;

    /// <param name="norm">pre, post or none.</param>
    public TransformerBlock(int width, int heads, int ffnWidth, string norm, bool attentionBias = true, bool ffnBias = true)
        : base(nameof(TransformerBlock))
    {
        _heads = heads;
        _post = norm == "post";
        // One fused projection for every head's query, key and value: openai/grok has a Linear per head and per role
        // (grok/transformer.py:89-91), Nanda et al. one [heads, d_head, d_model] tensor per role; both are the same
        // function and, at fan-in d_model, the same initial distribution as the rows of this one.
        qkv = nn.Linear(width, 3 * width, hasBias: attentionBias);
        output = nn.Linear(width, width, hasBias: attentionBias);
        ffnIn = nn.Linear(width, ffnWidth, hasBias: ffnBias);
        ffnOut = nn.Linear(ffnWidth, width, hasBias: ffnBias);
        if (norm != "none")
        {
            attnNorm = nn.LayerNorm(width);
            ffnNorm = nn.LayerNorm(width);
        }
        RegisterComponents();
    }

    /// <summary>The block's output at every position [N, L, W].</summary>
    /// <param name="dropout">Applied to the feed-forward output before its residual add (openai/grok's only dropout).</param>
    /// <param name="hidden">The feed-forward pre-activations [N, L, F].</param>
    public Tensor Forward(Tensor h, Func<Tensor, Tensor> dropout, out Tensor hidden)
    {
        var attended = h.add(Attend(_post ? h : Normalise(attnNorm, h)), Scalars.One); // never a + b: see Scalars
        if (_post) attended = Normalise(attnNorm, attended);
        return FeedForwardResidual(attended, dropout, out hidden);
    }

    /// <summary>
    /// The block's output at the last position only [N, W], the same function as <see cref="Forward"/> read at that
    /// position: its query attends to every position (all are earlier or equal, so no mask); keys and values still
    /// come from every position, and everything after attention works position by position.
    /// </summary>
    public Tensor ForwardLast(Tensor h, Func<Tensor, Tensor> dropout, out Tensor hidden)
    {
        var attended = h.select(1, -1).add(AttendFromLast(_post ? h : Normalise(attnNorm, h)), Scalars.One);
        if (_post) attended = Normalise(attnNorm, attended);
        return FeedForwardResidual(attended, dropout, out hidden);
    }

    private Tensor FeedForwardResidual(Tensor x, Func<Tensor, Tensor> dropout, out Tensor hidden)
    {
        hidden = ffnIn.forward(_post ? x : Normalise(ffnNorm, x));
        var result = x.add(dropout(ffnOut.forward(nn.functional.relu(hidden))), Scalars.One);
        return _post ? Normalise(ffnNorm, result) : result;
    }

    private static Tensor Normalise(LayerNorm? norm, Tensor x) => norm?.forward(x) ?? x;

    /// <summary>Causal self-attention of x [N, L, W], scores scaled by 1/√d_head.</summary>
    private Tensor Attend(Tensor x)
    {
        long n = x.shape[0], length = x.shape[1], width = x.shape[2];
        var split = qkv.forward(x).view(n, length, 3, _heads, width / _heads).permute(2, 0, 3, 1, 4);
        var attended = nn.functional.scaled_dot_product_attention(split[0], split[1], split[2], is_casual: true);
        return output.forward(attended.transpose(1, 2).reshape(n, length, width));
    }

    private Tensor AttendFromLast(Tensor x)
    {
        long n = x.shape[0], length = x.shape[1], width = x.shape[2];
        // The fused projection's rows are [query; key; value], so its slices are the three separate projections.
        var weight = qkv.weight!;
        var bias = qkv.bias;
        var query = nn.functional.linear(x.select(1, -1), weight.narrow(0, 0, width), bias?.narrow(0, 0, width))
            .view(n, _heads, 1, width / _heads);
        var keyValue = nn.functional.linear(x, weight.narrow(0, width, 2 * width), bias?.narrow(0, width, 2 * width))
            .view(n, length, 2, _heads, width / _heads).permute(2, 0, 3, 1, 4);
        var attended = nn.functional.scaled_dot_product_attention(query, keyValue[0], keyValue[1]);
        return output.forward(attended.reshape(n, width));
    }

    /// <summary>PyTorch's defaults (openai/grok defines no initialisation of its own).</summary>
    public void InitialiseTorch(Generator generator)
    {
        foreach (var linear in new[] { qkv, output, ffnIn, ffnOut }) GrokModel.InitialiseLinear(linear, generator);
        ResetNorms();
    }

    /// <summary>
    /// Nanda et al.'s transformers.py: W_Q, W_K, W_V and W_O ~ N(0, 1/d_model) (lines 212-215), W_in and W_out
    /// ~ N(0, 1/d_model) (W_out too is scaled by d_model, not d_mlp; lines 242-245), biases zero.
    /// </summary>
    public void InitialiseNanda(Generator generator, int width)
    {
        double std = 1.0 / Math.Sqrt(width);
        foreach (var linear in new[] { qkv, output, ffnIn, ffnOut })
        {
            linear.weight!.normal_(0, std, generator);
            linear.bias?.zero_();
        }
        ResetNorms();
    }

    private void ResetNorms()
    {
        foreach (var norm in new[] { attnNorm, ffnNorm })
        {
            if (norm is null) continue;
            using var one = 1.0.ToScalar();
            norm.weight!.fill_(one);
            norm.bias!.zero_();
        }
    }
}
