using TorchSharp;
using Grokking.Training.Config;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Grokking.Training.Optimization;

/// <summary>
/// AdamW (decoupled weight decay) with linear warmup. Decay pulls weights toward the origin or toward their
/// initial values; parameter groups carry their own learning rate and decay (Liu et al.'s toy model).
/// Written out rather than taken from TorchSharp so its whole state is explicit and checkpointable.
/// </summary>
/// <remarks>
/// The parameters of each group are re-seated as views of one flat buffer, so an update is a handful of
/// kernels over the whole group instead of a handful per parameter tensor; for the small models under study
/// the per-kernel cost, not arithmetic, dominates the optimizer.
/// </remarks>
public sealed class AdamW : IDisposable
{
    private readonly OptimizerConfig _config;
    private readonly FlatGroup[] _groups;

    public AdamW(OptimizerConfig config, IEnumerable<ParameterGroup> groups)
    {
        _config = config;
        _groups = groups.Where(g => g.Parameters.Count > 0).Select(g => new FlatGroup(g, config.DecayToward == "init", config.Beta1)).ToArray();
    }

    /// <summary>Optimizer steps taken so far.</summary>
    public long StepCount { get; set; }

    /// <summary>Per group: the flat first moments (checkpointed).</summary>
    public IReadOnlyList<Tensor> FirstMoments => _groups.Select(g => g.FirstMoment).ToList();

    /// <summary>Per group: the flat second moments (checkpointed).</summary>
    public IReadOnlyList<Tensor> SecondMoments => _groups.Select(g => g.SecondMoment).ToList();

    /// <summary>Per group: the flat initial weights when decay pulls toward initialisation, else null.</summary>
    public IReadOnlyList<Tensor?> Anchors => _groups.Select(g => g.Anchor).ToList();

    /// <summary>
    /// The warmup factor of update <paramref name="step"/> (1-based): min(1, (step - 1) / warmup). Both seed codebases
    /// warm up with PyTorch's LambdaLR, stepped after each update, whose lambda sees 0 at the first update: Nanda et al.'s
    /// <c>min(step/10, 1)</c> (transformers.py:471) and openai/grok's <c>step / warmup_steps * max_lr</c>
    /// (grok/training.py:200-203, 242-247). So update 1 has lr 0 (it still moves Adam's moments) and update
    /// warmup + 1 the full lr.
    /// </summary>
    public double WarmupFactor(long step) =>
        _config.WarmupSteps <= 0 ? 1.0 : Math.Min(1.0, (double)(step - 1) / _config.WarmupSteps);

    /// <summary>Learning rate the main group uses at <paramref name="step"/>.</summary>
    public double LearningRateAt(long step) => _config.Lr * WarmupFactor(step);

    /// <summary>Applies one update from the gradients currently held by the parameters.</summary>
    public void Step()
    {
        StepCount++;
        double warmup = WarmupFactor(StepCount);
        double b1 = _config.Beta1, b2 = _config.Beta2;
        double correction1 = 1 - Math.Pow(b1, StepCount);
        double correction2 = Math.Sqrt(1 - Math.Pow(b2, StepCount));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (var group in _groups)
        {
            var grad = group.GatherGradients();
            if (grad is null) continue;
            double lr = group.Lr * warmup;
            var p = group.Weights;
            // Every Scalar is held by a using until the op that reads it has returned (see Scalars).
            if (group.WeightDecay != 0)
            {
                using var shrink = (1 - lr * group.WeightDecay).ToScalar();
                using var pull = (lr * group.WeightDecay).ToScalar();
                p.mul_(shrink);
                if (group.Anchor is { } anchor) p.add_(anchor, pull);
            }
            // m ← β₁m + (1-β₁)g as one lerp; v ← β₂v + (1-β₂)g²; then p ← p - lr·m̂/(√v̂ + ε) with the bias
            // corrections folded into the step size and ε: p - (lr·c₂/c₁)·m/(√v + ε·c₂), c₁ = 1-β₁ᵗ, c₂ = √(1-β₂ᵗ).
            // Each op is a pass over the whole group, and for models of a few hundred thousand parameters these
            // passes, not arithmetic, are the optimizer's cost.
            using var beta2 = b2.ToScalar();
            using var oneMinusBeta2 = (1 - b2).ToScalar();
            using var scaledEps = (_config.Eps * correction2).ToScalar();
            using var stepSize = (-lr * correction2 / correction1).ToScalar();
            group.FirstMoment.lerp_(grad, group.OneMinusBeta1);
            group.SecondMoment.mul_(beta2).addcmul_(grad, grad, oneMinusBeta2);
            var denominator = group.SecondMoment.sqrt().add_(scaledEps, Scalars.One);
            p.addcdiv_(group.FirstMoment, denominator, stepSize);
        }
    }

    /// <summary>Drops the gradients so the next backward pass writes fresh ones.</summary>
    public void ZeroGrad()
    {
        foreach (var group in _groups) group.DropGradients();
    }

    public void Dispose()
    {
        foreach (var group in _groups) group.Dispose();
    }

    /// <summary>One parameter group whose parameters live in one contiguous buffer.</summary>
    private sealed class FlatGroup : IDisposable
    {
        private readonly IReadOnlyList<Parameter> _parameters;

        public FlatGroup(ParameterGroup group, bool anchorAtInit, double beta1)
        {
            _parameters = group.Parameters;
            Lr = group.Lr;
            WeightDecay = group.WeightDecay;
            var first = _parameters[0];
            Weights = empty(_parameters.Sum(p => p.numel()), dtype: first.dtype, device: first.device);
            using var _ = no_grad();
            long offset = 0;
            foreach (var p in _parameters)
            {
                long n = p.numel();
                using var slot = Weights.narrow(0, offset, n);
                slot.copy_(p.detach().reshape(-1));
                using var view = slot.view(p.shape);
                p.set_(view);
                offset += n;
            }
            FirstMoment = zeros_like(Weights);
            SecondMoment = zeros_like(Weights);
            Anchor = anchorAtInit ? Weights.clone() : null;
            OneMinusBeta1 = tensor(1 - beta1, dtype: first.dtype, device: first.device);
        }

        public double Lr { get; }

        public double WeightDecay { get; }

        /// <summary>Every parameter of the group, flattened; the parameters are views into it.</summary>
        public Tensor Weights { get; }

        public Tensor FirstMoment { get; }

        public Tensor SecondMoment { get; }

        public Tensor? Anchor { get; }

        /// <summary>1 - β₁ as a 0-d tensor: the weight of the first moment's lerp_, which takes no Scalar.</summary>
        public Tensor OneMinusBeta1 { get; }

        /// <summary>The group's gradients as one flat tensor (zeros for parameters without one); null if none has one.</summary>
        public Tensor? GatherGradients()
        {
            var grads = _parameters.Select(p => p.grad).ToList();
            if (grads.All(g => g is null)) return null;
            return cat(grads.Select((g, i) => g is null ? zeros(_parameters[i].numel(), dtype: Weights.dtype, device: Weights.device) : g.reshape(-1)).ToList(), 0);
        }

        public void DropGradients()
        {
            foreach (var p in _parameters) p.grad = null;
        }

        public void Dispose()
        {
            FirstMoment.Dispose();
            SecondMoment.Dispose();
            Anchor?.Dispose();
            OneMinusBeta1.Dispose();
        }
    }
}
