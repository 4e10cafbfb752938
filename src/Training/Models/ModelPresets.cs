using Grokking.Training.Config;

namespace Grokking.Training.Models;

/// <summary>
/// The seed papers' transformers as their authors' code builds them. A preset sets every model field; a spec may
/// still override any of them, and the resolved values are what a run records.
/// </summary>
public static class ModelPresets
{
    /// <summary>Accepted preset names.</summary>
    public static IReadOnlyList<string> Names { get; } = ["none", "power", "nanda"];

    /// <summary>
    /// Power et al., openai/grok at 3d64b1d8: 2 layers, 4 heads, d_model 128, dropout 0 (the command-line defaults,
    /// grok/training.py:87-93); FFN 4 × d_model with ReLU (grok/transformer.py:181-193); post-norm blocks with no final
    /// norm (226-234, 369-378); fixed sinusoidal positions (326-339); no bias in any Linear: q, k, v (89-91),
    /// attention output (142), FFN (192, 194), unembedding (318); PyTorch's default initialisation.
    /// </summary>
    public static ModelConfig Power { get; } = new()
    {
        Preset = "power", Kind = "transformer", Depth = 2, Width = 128, Heads = 4, FfnWidth = 512, Dropout = 0,
        Norm = "post", Position = "sinusoidal", AttentionBias = false, FfnBias = false, UnembedBias = false, Init = "torch",
    };

    /// <summary>
    /// Nanda et al., progress-measures-paper at 23d2c64 (transformers.py): 1 layer (line 46), d_model 128 (32),
    /// 4 heads (51), d_mlp 512 (50), no LayerNorm (use_ln False, line 60; its uses commented out at 267, 269, 310);
    /// learned positions (183); no attention bias (212-215); MLP biases b_in, b_out (242-245); no unembedding bias
    /// (174); weights drawn as randn / √d_model, W_U as randn / √d_vocab.
    /// </summary>
    public static ModelConfig Nanda { get; } = new()
    {
        Preset = "nanda", Kind = "transformer", Depth = 1, Width = 128, Heads = 4, FfnWidth = 512, Dropout = 0,
        Norm = "none", Position = "learned", AttentionBias = false, FfnBias = true, UnembedBias = false, Init = "nanda",
    };

    /// <summary>The preset's settings (the defaults for "none"), keeping <paramref name="current"/>'s init scale and embedding width.</summary>
    public static ModelConfig For(string name, ModelConfig current)
    {
        var preset = name switch
        {
            "none" => new ModelConfig(),
            "power" => Power,
            "nanda" => Nanda,
            _ => throw new ArgumentException($"Unknown model preset '{name}'. Accepted: {string.Join(", ", Names)}."),
        };
        return preset with { InitScale = current.InitScale, EmbeddingDim = current.EmbeddingDim };
    }
}
