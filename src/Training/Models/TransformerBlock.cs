using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Grokking.Training.Models;

/// <summary>One pre-norm transformer block: causal multi-head self-attention, then a ReLU feed-forward layer.</summary>
public sealed class TransformerBlock : nn.Module
{
    private readonly int _heads;
    private readonly Linear qkv;
    private readonly Linear output;
    private readonly Linear ffnIn;
    private readonly Linear ffnOut;
    private readonly LayerNorm? attnNorm;
    private readonly LayerNorm? ffnNorm;

    public TransformerBlock(int width, int heads, int ffnWidth, bool layerNorm) : base(nameof(TransformerBlock))
    {
        _heads = heads;
        qkv = nn.Linear(width, 3 * width);
        output = nn.Linear(width, width);
        ffnIn = nn.Linear(width, ffnWidth);
        ffnOut = nn.Linear(ffnWidth, width);
        if (layerNorm)
        {
            attnNorm = nn.LayerNorm(width);
            ffnNorm = nn.LayerNorm(width);
        }
        RegisterComponents();
    }

    /// <summary>Causal self-attention of the (normalised) residual stream [N, L, W].</summary>
    public Tensor Attend(Tensor h)
    {
        var x = attnNorm?.forward(h) ?? h;
        long n = x.shape[0], length = x.shape[1], width = x.shape[2];
        var split = qkv.forward(x).view(n, length, 3, _heads, width / _heads).permute(2, 0, 3, 1, 4);
        var attended = nn.functional.scaled_dot_product_attention(split[0], split[1], split[2], is_casual: true);
        return output.forward(attended.transpose(1, 2).reshape(n, length, width));
    }

    /// <summary>
    /// Attention of the last position only, the output of the last block that the model uses: its query attends to
    /// every position (all are earlier or equal, so no mask). Keys and values still come from every position. [N, W]
    /// </summary>
    public Tensor AttendFromLast(Tensor h)
    {
        var x = attnNorm?.forward(h) ?? h;
        long n = x.shape[0], length = x.shape[1], width = x.shape[2];
        // The fused projection's rows are [query; key; value], so its slices are the three separate projections.
        var weight = qkv.weight!;
        var bias = qkv.bias!;
        var query = nn.functional.linear(x.select(1, -1), weight.narrow(0, 0, width), bias.narrow(0, 0, width))
            .view(n, _heads, 1, width / _heads);
        var keyValue = nn.functional.linear(x, weight.narrow(0, width, 2 * width), bias.narrow(0, width, 2 * width))
            .view(n, length, 2, _heads, width / _heads).permute(2, 0, 3, 1, 4);
        var attended = nn.functional.scaled_dot_product_attention(query, keyValue[0], keyValue[1]);
        return output.forward(attended.reshape(n, width));
    }

    /// <summary>The feed-forward output and its hidden pre-activations ([N, L, F], or [N, F] for one position).</summary>
    public (Tensor Output, Tensor Hidden) FeedForward(Tensor h)
    {
        var x = ffnNorm?.forward(h) ?? h;
        var hidden = ffnIn.forward(x);
        return (ffnOut.forward(nn.functional.relu(hidden)), hidden);
    }

    public void Initialise(Generator generator)
    {
        foreach (var linear in new[] { qkv, output, ffnIn, ffnOut }) GrokModel.InitialiseLinear(linear, generator);
        foreach (var norm in new[] { attnNorm, ffnNorm })
        {
            if (norm is null) continue;
            using var one = 1.0.ToScalar();
            norm.weight!.fill_(one);
            norm.bias!.zero_();
        }
    }
}
