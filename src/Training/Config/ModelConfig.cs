namespace Grokking.Training.Config;

/// <summary>Which network learns the task.</summary>
public sealed record ModelConfig
{
    /// <summary>transformer (decoder-only), mlp (tokens or images) or toy (Liu et al.'s embeddings + decoder).</summary>
    public string Kind { get; init; } = "transformer";

    /// <summary>Transformer blocks, or Linear layers of the MLP (including the output layer).</summary>
    public int Depth { get; init; } = 2;

    /// <summary>Model width (transformer d_model, MLP hidden width, toy decoder width).</summary>
    public int Width { get; init; } = 128;

    /// <summary>Transformer attention heads; must divide the width.</summary>
    public int Heads { get; init; } = 4;

    /// <summary>Transformer feed-forward width; 0 means four times the width.</summary>
    public int FfnWidth { get; init; } = 0;

    /// <summary>Dropout probability in transformer blocks.</summary>
    public double Dropout { get; init; } = 0.0;

    /// <summary>Transformer LayerNorm on (Power et al.) or off (Nanda et al.).</summary>
    public bool LayerNorm { get; init; } = true;

    /// <summary>Every parameter is multiplied by this at initialisation (Omnigrok's alpha).</summary>
    public double InitScale { get; init; } = 1.0;

    /// <summary>Token embedding width for token MLPs and the toy model; 0 means the width (toy: 1).</summary>
    public int EmbeddingDim { get; init; } = 0;
}
