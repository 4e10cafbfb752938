using Grokking.Training.Config;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Grokking.Training.Models;

/// <summary>
/// Decoder-only transformer, configurable to each seed paper's: LayerNorm placement, learned or sinusoidal positions,
/// biases per part, PyTorch's or Nanda et al.'s initialisation (see <see cref="ModelPresets"/>). Scores the last
/// <c>answers</c> positions: logits [N, classes] for one, [N, answers, classes] for more (openai/grok scores the
/// answer and the end-of-sequence token after it).
/// </summary>
public sealed class TransformerModel : GrokModel
{
    private readonly Embedding tokens;
    private readonly Parameter? positions;
    private readonly Tensor? sinusoids;
    private readonly ModuleList<TransformerBlock> blocks;
    private readonly LayerNorm? finalNorm;
    private readonly Linear unembed;
    private readonly string[] _layerNames;
    private readonly ModelConfig _config;
    private readonly int _width, _answers;

    public TransformerModel(ModelConfig config, int vocabulary, long sequenceLength, int classes, int answers = 1)
        : base(nameof(TransformerModel), config.Dropout)
    {
        _config = config;
        _width = config.Width;
        _answers = answers;
        int ffnWidth = config.FfnWidth > 0 ? config.FfnWidth : 4 * config.Width;
        tokens = nn.Embedding(vocabulary, _width);
        if (config.Position == "sinusoidal") sinusoids = Sinusoids(sequenceLength, _width);
        else positions = nn.Parameter(zeros(sequenceLength, _width));
        blocks = new ModuleList<TransformerBlock>();
        for (int i = 0; i < config.Depth; i++)
            blocks.Add(new TransformerBlock(_width, config.Heads, ffnWidth, config.Norm, config.AttentionBias, config.FfnBias));
        finalNorm = config.Norm == "pre" ? nn.LayerNorm(_width) : null;
        unembed = nn.Linear(_width, classes, hasBias: config.UnembedBias);
        _layerNames = Enumerable.Range(0, config.Depth).Select(i => $"block{i}.ffn").ToArray();
        RegisterComponents();
    }

    public override IReadOnlyList<string> LayerNames => _layerNames;

    public override IReadOnlyList<IReadOnlyList<Parameter>> LayerParameters =>
        blocks.Select(b => (IReadOnlyList<Parameter>)b.parameters().ToList()).ToList();

    public override Tensor TokenEmbeddings => tokens.weight!;

    public override IReadOnlySet<string> EmbeddingParameterNames =>
        positions is null ? new HashSet<string> { "tokens.weight" } : new HashSet<string> { "tokens.weight", "positions" };

    /// <summary>
    /// openai/grok's fixed encoding (grok/transformer.py:326-339): PE[pos, i] = sin(pos / 10000^(i/d)) for even i and
    /// cos(pos / 10000^((i-1)/d)) for odd i, added to the unscaled token embeddings (line 347).
    /// </summary>
    public static Tensor Sinusoids(long length, int width)
    {
        var table = new float[length * width];
        for (long pos = 0; pos < length; pos++)
            for (int i = 0; i < width; i++)
                table[pos * width + i] = (float)(i % 2 == 0
                    ? Math.Sin(pos / Math.Pow(10000, (double)i / width))
                    : Math.Cos(pos / Math.Pow(10000, (double)(i - 1) / width)));
        return tensor(table, [length, width]);
    }

    public override Tensor Forward(Tensor input, List<Tensor>? preActivations)
    {
        using var scope = NewDisposeScope();
        var position = positions ?? (Tensor)sinusoids!;
        var weight = tokens.weight!;
        var h = tokens.forward(input).add(position.to(weight.dtype, weight.device), Scalars.One); // never a + b: see Scalars
        // Every block but the last updates every position. With one scored position the last block computes only
        // that position's output (its keys and values still come from every position) and h becomes [N, W]: the same
        // function, for about 30% fewer FLOPs in Power et al.'s 2-layer model.
        for (int i = 0; i < blocks.Count; i++)
        {
            Tensor hidden;
            if (i == blocks.Count - 1 && _answers == 1)
            {
                h = blocks[i].ForwardLast(h, Dropout, out hidden);
                preActivations?.Add(hidden.MoveToOuterDisposeScope());
                continue;
            }
            h = blocks[i].Forward(h, Dropout, out hidden);
            // Layer measurements read the position that predicts the (first) answer token.
            preActivations?.Add(hidden.select(1, hidden.shape[1] - _answers).MoveToOuterDisposeScope());
        }
        if (_answers > 1) h = h.narrow(1, h.shape[1] - _answers, _answers);
        if (finalNorm is not null) h = finalNorm.forward(h);
        return unembed.forward(h).MoveToOuterDisposeScope();
    }

    protected override void InitialiseParameters(Generator generator)
    {
        if (_config.Init == "nanda")
        {
            // Nanda et al.'s transformers.py: W_E and W_pos ~ N(0, 1/d_model) (lines 165, 183), W_U ~ N(0, 1/d_vocab)
            // (line 174), where d_vocab is the unembedding's output width.
            double std = 1.0 / Math.Sqrt(_width);
            tokens.weight!.normal_(0, std, generator);
            positions?.normal_(0, std, generator);
            foreach (var block in blocks) block.InitialiseNanda(generator, _width);
            unembed.weight!.normal_(0, 1.0 / Math.Sqrt(unembed.weight.shape[0]), generator);
            unembed.bias?.zero_();
        }
        else
        {
            // PyTorch's defaults: nn.Embedding N(0, 1); learned positions likewise; Linear U(±1/√fan_in).
            tokens.weight!.normal_(0, 1, generator);
            positions?.normal_(0, 1, generator);
            foreach (var block in blocks) block.InitialiseTorch(generator);
            InitialiseLinear(unembed, generator);
        }
        if (finalNorm is not null)
        {
            using var one = 1.0.ToScalar();
            finalNorm.weight!.fill_(one);
            finalNorm.bias!.zero_();
        }
    }
}
