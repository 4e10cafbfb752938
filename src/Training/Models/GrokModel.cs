using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Grokking.Training.Models;

/// <summary>A network under study: logits from inputs, plus what the metrics need to look inside it.</summary>
public abstract class GrokModel : nn.Module<Tensor, Tensor>
{
    private readonly double _dropout;

    protected GrokModel(string name, double dropout) : base(name) => _dropout = dropout;

    /// <summary>Names of the layers whose pre-activations and weights are measured, in depth order.</summary>
    public abstract IReadOnlyList<string> LayerNames { get; }

    /// <summary>The parameters that belong to each measured layer (same order as <see cref="LayerNames"/>).</summary>
    public abstract IReadOnlyList<IReadOnlyList<Parameter>> LayerParameters { get; }

    /// <summary>Token embeddings whose rows 0..n-1 stand for the numbers 0..n-1; null for feature inputs.</summary>
    public virtual Tensor? TokenEmbeddings => null;

    /// <summary>
    /// Names (as <c>named_parameters()</c> gives them) of the parameters that take the embedding learning rate and
    /// weight decay, if the spec sets them. Names, not objects: TorchSharp may hand out a different wrapper object
    /// for the same parameter each time it is asked, so reference equality cannot pick parameters out.
    /// </summary>
    public virtual IReadOnlySet<string> EmbeddingParameterNames => new HashSet<string>();

    /// <summary>The run's own dropout RNG; torch's global generator is shared by every run in the process.</summary>
    public Generator? DropoutGenerator { get; set; }

    /// <summary>Logits [N, classes]; when <paramref name="preActivations"/> is given, each measured layer adds its [N, d] pre-activations.</summary>
    public abstract Tensor Forward(Tensor input, List<Tensor>? preActivations);

    public override Tensor forward(Tensor input) => Forward(input, null);

    /// <summary>Re-initialises every parameter from <paramref name="generator"/> and multiplies it by <paramref name="scale"/>.</summary>
    public void Initialise(Generator generator, double scale)
    {
        using var _ = no_grad();
        InitialiseParameters(generator);
        if (scale == 1.0) return;
        using var factor = scale.ToScalar(); // held until every mul_ returned (see Scalars)
        foreach (var p in parameters())
            p.mul_(factor);
    }

    protected abstract void InitialiseParameters(Generator generator);

    /// <summary>PyTorch's default Linear initialisation, drawn from the run's generator.</summary>
    internal static void InitialiseLinear(Linear linear, Generator generator)
    {
        double bound = 1.0 / Math.Sqrt(linear.weight!.shape[1]);
        linear.weight.uniform_(-bound, bound, generator);
        linear.bias?.uniform_(-bound, bound, generator);
    }

    /// <summary>Inverted dropout with the run's generator.</summary>
    protected Tensor Dropout(Tensor x)
    {
        if (!training || _dropout <= 0) return x;
        using var keep = (1 - _dropout).ToScalar(); // held until the ops returned (see Scalars)
        using var mask = rand(x.shape, dtype: x.dtype, generator: DropoutGenerator).lt_(keep);
        return x.mul(mask).div_(keep);
    }
}
