namespace Grokking.Training.Config;

/// <summary>Which network learns the task, with every architectural choice a published setup differs in.</summary>
/// <remarks>
/// The defaults are a GPT-2-style transformer (pre-norm, learned positions, biases everywhere, PyTorch's default
/// initialisation). The seed papers' transformers are presets (<see cref="Models.ModelPresets"/>) that set every field
/// below; a spec sees the resolved values, and runs.parquet records them.
/// </remarks>
public sealed record ModelConfig
{
    /// <summary>The preset the settings came from (none, power, nanda); informational, the fields below rule.</summary>
    public string Preset { get; init; } = "none";

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

    /// <summary>Dropout probability on the transformer's feed-forward output (the only place openai/grok drops).</summary>
    public double Dropout { get; init; } = 0.0;

    /// <summary>
    /// Transformer LayerNorm placement: pre (normalise each sublayer's input, plus a final norm before the
    /// unembedding; GPT-2), post (normalise after each residual add, no final norm; openai/grok) or none (Nanda et al.).
    /// </summary>
    public string Norm { get; init; } = "pre";

    /// <summary>Transformer position encoding: learned (a parameter) or sinusoidal (fixed, interleaved sin/cos; openai/grok).</summary>
    public string Position { get; init; } = "learned";

    /// <summary>Biases on the query, key, value and attention output projections.</summary>
    public bool AttentionBias { get; init; } = true;

    /// <summary>Biases on the two feed-forward Linear layers.</summary>
    public bool FfnBias { get; init; } = true;

    /// <summary>Bias on the unembedding (output) layer.</summary>
    public bool UnembedBias { get; init; } = true;

    /// <summary>
    /// Transformer initialisation: torch (PyTorch's defaults: Linear U(±1/√fan_in), embeddings and learned positions
    /// N(0, 1)) or nanda (N(0, 1/d_model) for embeddings, positions, attention and MLP weights, N(0, 1/d_vocab) for the
    /// unembedding, zero biases; Nanda et al.'s transformers.py).
    /// </summary>
    public string Init { get; init; } = "torch";

    /// <summary>Every parameter is multiplied by this at initialisation (Omnigrok's alpha).</summary>
    public double InitScale { get; init; } = 1.0;

    /// <summary>Token embedding width for token MLPs and the toy model; 0 means the width (toy: 1).</summary>
    public int EmbeddingDim { get; init; } = 0;
}
