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
    public void Warmup_follows_PyTorch_s_LambdaLR_as_both_seed_codebases_step_it()
    {
        // LambdaLR(min(step / 10, 1)) stepped after each update: updates 1, 2, 6, 11 see 0, 0.1, 0.5 and 1 of the lr.
        using var adam = Build(new OptimizerConfig { Lr = 1e-3, WarmupSteps = 10 }, out _);
        Assert.Equal(0, adam.LearningRateAt(1), 12);
        Assert.Equal(1e-4, adam.LearningRateAt(2), 12);
        Assert.Equal(5e-4, adam.LearningRateAt(6), 12);
        Assert.Equal(9e-4, adam.LearningRateAt(10), 12);
        Assert.Equal(1e-3, adam.LearningRateAt(11), 12);
        Assert.Equal(1e-3, adam.LearningRateAt(5000), 12);
        using var none = Build(new OptimizerConfig { Lr = 1e-3, WarmupSteps = 0 }, out _);
        Assert.Equal(1e-3, none.LearningRateAt(1), 12);
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

    [Fact]
    public void Several_steps_with_changing_gradients_match_a_textbook_adamw()
    {
        // The optimizer folds the bias corrections into its step size and epsilon and updates the first moment
        // with lerp; a scalar transcription of Loshchilov & Hutter's algorithm must agree after moments build up.
        var config = new OptimizerConfig { Lr = 0.02, WeightDecay = 0.3, Beta1 = 0.9, Beta2 = 0.98, Eps = 1e-3, WarmupSteps = 3 };
        using var adam = Build(config, out var p);
        double[] expected = [2.0, -1.0], m = [0, 0], v = [0, 0];
        for (int t = 1; t <= 6; t++)
        {
            double[] g = [0.3 * Math.Sin(t), -0.05 * t];
            p.grad = tensor(g);
            adam.Step();
            double lr = config.Lr * Math.Min(1.0, (t - 1) / 3.0); // LambdaLR: update 1 at lr 0
            for (int i = 0; i < 2; i++)
            {
                expected[i] *= 1 - lr * config.WeightDecay;
                m[i] = config.Beta1 * m[i] + (1 - config.Beta1) * g[i];
                v[i] = config.Beta2 * v[i] + (1 - config.Beta2) * g[i] * g[i];
                double mHat = m[i] / (1 - Math.Pow(config.Beta1, t)), vHat = v[i] / (1 - Math.Pow(config.Beta2, t));
                expected[i] -= lr * mHat / (Math.Sqrt(vHat) + config.Eps);
            }
            Assert.Equal(expected[0], p[0].ToDouble(), 12);
            Assert.Equal(expected[1], p[1].ToDouble(), 12);
        }
    }

    private static AdamW Build(OptimizerConfig config, out Parameter parameter)
    {
        parameter = new Parameter(tensor(new[] { 2.0, -1.0 }));
        return new AdamW(config, [new ParameterGroup([parameter], config.Lr, config.WeightDecay)]);
    }

    private static void ZeroGradient(Parameter p) => p.grad = zeros_like(p);
}
