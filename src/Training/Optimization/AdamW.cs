using Grokking.Training.Config;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Grokking.Training.Optimization;

/// <summary>
/// AdamW (decoupled weight decay) with linear warmup. Decay pulls weights toward the origin or toward their
/// initial values; parameter groups carry their own learning rate and decay (Liu et al.'s toy model).
/// Written out rather than taken from TorchSharp so its whole state is explicit and checkpointable.
/// </summary>
public sealed class AdamW : IDisposable
{
    private readonly OptimizerConfig _config;
    private readonly ParameterGroup[] _groups;

    public AdamW(OptimizerConfig config, IEnumerable<ParameterGroup> groups)
    {
        _config = config;
        _groups = groups.Where(g => g.Parameters.Count > 0).ToArray();
        foreach (var group in _groups)
        {
            foreach (var p in group.Parameters)
            {
                FirstMoments.Add(zeros_like(p));
                SecondMoments.Add(zeros_like(p));
                Anchors.Add(config.DecayToward == "init" ? p.detach().clone() : null);
                Owners.Add(group);
            }
        }
    }

    /// <summary>Optimizer steps taken so far.</summary>
    public long StepCount { get; set; }

    /// <summary>Every parameter, in the order of the state lists below.</summary>
    public IEnumerable<Parameter> Parameters => _groups.SelectMany(g => g.Parameters);

    public List<Tensor> FirstMoments { get; } = [];

    public List<Tensor> SecondMoments { get; } = [];

    /// <summary>Initial weights when decay pulls toward initialisation; null entries otherwise.</summary>
    public List<Tensor?> Anchors { get; } = [];

    private List<ParameterGroup> Owners { get; } = [];

    /// <summary>The warmup factor for the next step (1-based): min(1, step / warmup).</summary>
    public double WarmupFactor(long step) =>
        _config.WarmupSteps <= 0 ? 1.0 : Math.Min(1.0, (double)step / _config.WarmupSteps);

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
        using var _ = no_grad();
        int i = 0;
        foreach (var p in Parameters)
        {
            var group = Owners[i];
            double lr = group.Lr * warmup;
            var grad = p.grad;
            if (grad is not null)
            {
                if (group.WeightDecay != 0)
                {
                    p.mul_(1 - lr * group.WeightDecay);
                    if (Anchors[i] is { } anchor) p.add_(anchor, lr * group.WeightDecay);
                }
                var m = FirstMoments[i];
                var v = SecondMoments[i];
                m.mul_(b1).add_(grad, 1 - b1);
                v.mul_(b2).addcmul_(grad, grad, 1 - b2);
                using var denominator = v.sqrt().div_(correction2).add_(_config.Eps);
                p.addcdiv_(m, denominator, -lr / correction1);
            }
            i++;
        }
    }

    public void ZeroGrad()
    {
        foreach (var p in Parameters)
        {
            if (p.grad is { } grad)
            {
                grad.detach_();
                grad.zero_();
            }
        }
    }

    public void Dispose()
    {
        foreach (var t in FirstMoments.Concat(SecondMoments)) t.Dispose();
        foreach (var t in Anchors) t?.Dispose();
    }
}
