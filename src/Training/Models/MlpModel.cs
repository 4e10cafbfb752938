using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Grokking.Training.Models;

/// <summary>A ReLU MLP of any depth on feature vectors (images) or on concatenated token embeddings.</summary>
public sealed class MlpModel : GrokModel
{
    private readonly Embedding? embedding;
    private readonly ModuleList<Linear> layers;
    private readonly string[] _layerNames;

    /// <param name="inputWidth">Features per example, or tokens per example when <paramref name="vocabulary"/> &gt; 0.</param>
    public MlpModel(long inputWidth, int vocabulary, int embeddingDim, int depth, int width, int classes)
        : base(nameof(MlpModel), 0.0)
    {
        long first = inputWidth;
        if (vocabulary > 0)
        {
            embedding = nn.Embedding(vocabulary, embeddingDim);
            first = inputWidth * embeddingDim;
        }
        layers = new ModuleList<Linear>();
        for (int i = 0; i < depth; i++)
            layers.Add(nn.Linear(i == 0 ? first : width, i == depth - 1 ? classes : width));
        _layerNames = Enumerable.Range(0, depth).Select(i => $"linear{i}").ToArray();
        RegisterComponents();
    }

    public override IReadOnlyList<string> LayerNames => _layerNames;

    public override IReadOnlyList<IReadOnlyList<Parameter>> LayerParameters =>
        layers.Select(l => (IReadOnlyList<Parameter>)l.parameters().ToList()).ToList();

    public override Tensor? TokenEmbeddings => embedding?.weight;

    public override IReadOnlySet<string> EmbeddingParameterNames =>
        embedding is null ? new HashSet<string>() : new HashSet<string> { "embedding.weight" };

    public override Tensor Forward(Tensor input, List<Tensor>? preActivations)
    {
        using var scope = NewDisposeScope();
        var h = embedding is null ? input : embedding.forward(input).flatten(1);
        for (int i = 0; i < layers.Count; i++)
        {
            h = layers[i].forward(h);
            preActivations?.Add(h.MoveToOuterDisposeScope());
            if (i < layers.Count - 1) h = nn.functional.relu(h);
        }
        return h.MoveToOuterDisposeScope();
    }

    protected override void InitialiseParameters(Generator generator)
    {
        embedding?.weight!.normal_(0, 1, generator);
        foreach (var layer in layers) InitialiseLinear(layer, generator);
    }
}
