using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Grokking.Training.Models;

/// <summary>Decoder-only transformer (Power et al.; Nanda et al. without LayerNorm); predicts from the last position.</summary>
public sealed class TransformerModel : GrokModel
{
    private readonly Embedding tokens;
    private readonly Parameter positions;
    private readonly ModuleList<TransformerBlock> blocks;
    private readonly LayerNorm? finalNorm;
    private readonly Linear unembed;
    private readonly string[] _layerNames;

    public TransformerModel(int vocabulary, long sequenceLength, int depth, int width, int heads, int ffnWidth,
        double dropout, bool layerNorm, int classes) : base(nameof(TransformerModel), dropout)
    {
        tokens = nn.Embedding(vocabulary, width);
        positions = nn.Parameter(zeros(sequenceLength, width));
        blocks = new ModuleList<TransformerBlock>();
        for (int i = 0; i < depth; i++) blocks.Add(new TransformerBlock(width, heads, ffnWidth, layerNorm));
        finalNorm = layerNorm ? nn.LayerNorm(width) : null;
        unembed = nn.Linear(width, classes);
        _layerNames = Enumerable.Range(0, depth).Select(i => $"block{i}.ffn").ToArray();
        RegisterComponents();
    }

    public override IReadOnlyList<string> LayerNames => _layerNames;

    public override IReadOnlyList<IReadOnlyList<Parameter>> LayerParameters =>
        blocks.Select(b => (IReadOnlyList<Parameter>)b.parameters().ToList()).ToList();

    public override Tensor TokenEmbeddings => tokens.weight!;

    public override IReadOnlySet<string> EmbeddingParameterNames => new HashSet<string> { "tokens.weight", "positions" };

    public override Tensor Forward(Tensor input, List<Tensor>? preActivations)
    {
        using var scope = NewDisposeScope();
        var h = tokens.forward(input).add(positions, Scalars.One); // never a + b: see Scalars
        // Every block but the last updates every position; the model predicts from the last position alone, so the
        // last block computes only that position's attention output and feed-forward layer (its keys and values still
        // come from every position), and h becomes [N, W]. The same function as running it on all positions, for
        // about 30% fewer FLOPs in Power et al.'s 2-layer model.
        for (int i = 0; i < blocks.Count; i++)
        {
            var block = blocks[i];
            bool lastBlock = i == blocks.Count - 1;
            h = lastBlock
                ? h.select(1, -1).add(Dropout(block.AttendFromLast(h)), Scalars.One)
                : h.add(Dropout(block.Attend(h)), Scalars.One);
            var (ffnOut, hidden) = block.FeedForward(h);
            preActivations?.Add((lastBlock ? hidden : hidden.select(1, -1)).MoveToOuterDisposeScope());
            h = h.add(Dropout(ffnOut), Scalars.One);
        }
        if (finalNorm is not null) h = finalNorm.forward(h);
        return unembed.forward(h).MoveToOuterDisposeScope();
    }

    protected override void InitialiseParameters(Generator generator)
    {
        tokens.weight!.normal_(0, 1, generator);
        positions.normal_(0, 1, generator);
        foreach (var block in blocks) block.Initialise(generator);
        if (finalNorm is not null)
        {
            using var one = 1.0.ToScalar();
            finalNorm.weight!.fill_(one);
            finalNorm.bias!.zero_();
        }
        InitialiseLinear(unembed, generator);
    }
}
