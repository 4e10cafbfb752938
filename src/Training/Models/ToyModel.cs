using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Grokking.Training.Models;

/// <summary>Liu et al.'s toy model: learned embeddings of two symbols, summed, decoded by a tanh MLP.</summary>
public sealed class ToyModel : GrokModel
{
    private readonly Embedding embedding;
    private readonly ModuleList<Linear> decoder;
    private readonly string[] _layerNames;

    public ToyModel(int symbols, int embeddingDim, int depth, int width, int classes) : base(nameof(ToyModel), 0.0)
    {
        embedding = nn.Embedding(symbols, embeddingDim);
        decoder = new ModuleList<Linear>();
        for (int i = 0; i < depth; i++)
            decoder.Add(nn.Linear(i == 0 ? embeddingDim : width, i == depth - 1 ? classes : width));
        _layerNames = Enumerable.Range(0, depth).Select(i => $"decoder{i}").ToArray();
        RegisterComponents();
    }

    public override IReadOnlyList<string> LayerNames => _layerNames;

    public override IReadOnlyList<IReadOnlyList<Parameter>> LayerParameters =>
        decoder.Select(l => (IReadOnlyList<Parameter>)l.parameters().ToList()).ToList();

    public override Tensor TokenEmbeddings => embedding.weight!;

    public override IReadOnlySet<string> EmbeddingParameterNames => new HashSet<string> { "embedding.weight" };

    public override Tensor Forward(Tensor input, List<Tensor>? preActivations)
    {
        using var scope = NewDisposeScope();
        var h = embedding.forward(input).sum(1);
        for (int i = 0; i < decoder.Count; i++)
        {
            h = decoder[i].forward(h);
            preActivations?.Add(h.MoveToOuterDisposeScope());
            if (i < decoder.Count - 1) h = h.tanh();
        }
        return h.MoveToOuterDisposeScope();
    }

    protected override void InitialiseParameters(Generator generator)
    {
        embedding.weight!.uniform_(-0.5, 0.5, generator);
        foreach (var layer in decoder) InitialiseLinear(layer, generator);
    }
}
