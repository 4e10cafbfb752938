using TorchSharp;
using Grokking.Training.Config;
using Grokking.Training.Optimization;
using TorchSharp.Modules;
using AdamW = Grokking.Training.Optimization.AdamW;
using static TorchSharp.torch;

namespace Grokking.Training.Tests;

public class AdamWTests
{
    [Fact]
    public void Warmup_rises_linearly_to_the_full_learning_rate()
    {
        using var adam = Build(new OptimizerConfig { Lr = 1e-3, WarmupSteps = 10 }, out _);
        Assert.Equal(1e-4, adam.LearningRateAt(1), 12);
        Assert.Equal(5e-4, adam.LearningRateAt(5), 12);
        Assert.Equal(1e-3, adam.LearningRateAt(10), 12);
        Assert.Equal(1e-3, adam.LearningRateAt(5000), 12);
    }

    [Fact]
    public void Decay_toward_origin_shrinks_weights_and_decay_toward_init_keeps_them_at_init()
    {
        var origin = new OptimizerConfig { Lr = 0.1, WeightDecay = 1.0, WarmupSteps = 0, DecayToward = "origin" };
        using var toOrigin = Build(origin, out var p1);
        using var toInit = Build(origin with { DecayToward = "init" }, out var p2);
        for (int i = 0; i < 5; i++)
        {
            ZeroGradient(p1);
            ZeroGradient(p2);
            toOrigin.Step();
            toInit.Step();
        }
        // With zero gradient only the decay acts: (1 - lr * wd)^5 toward the origin, nothing toward init.
        Assert.Equal(2.0 * Math.Pow(0.9, 5), p1[0].ToDouble(), 5);
        Assert.Equal(2.0, p2[0].ToDouble(), 6);
    }

    [Fact]
    public void A_step_matches_the_adamw_formula()
    {
        var config = new OptimizerConfig { Lr = 0.01, WeightDecay = 0.5, Beta1 = 0.9, Beta2 = 0.98, Eps = 1e-8, WarmupSteps = 0 };
        using var adam = Build(config, out var p);
        p.grad = tensor(new[] { 0.3, -0.2 });
        adam.Step();
        // Step 1: m-hat = g, v-hat = g^2, so the update is lr * sign(g) (up to eps) after decay p *= (1 - lr wd).
        Assert.Equal(2.0 * (1 - 0.005) - 0.01, p[0].ToDouble(), 6);
        Assert.Equal(-1.0 * (1 - 0.005) + 0.01, p[1].ToDouble(), 6);
    }

    private static AdamW Build(OptimizerConfig config, out Parameter parameter)
    {
        parameter = new Parameter(tensor(new[] { 2.0, -1.0 }));
        return new AdamW(config, [new ParameterGroup([parameter], config.Lr, config.WeightDecay)]);
    }

    private static void ZeroGradient(Parameter p) => p.grad = zeros_like(p);
}
