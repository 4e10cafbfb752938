using Grokking.Training.Config;
using Grokking.Training.Metrics;
using Grokking.Training.Runs;
using Grokking.Training.Tasks;
using static TorchSharp.torch;

namespace Grokking.Training.Tests;

public class RegressionTargetTests
{
    [Fact]
    public void Dimension_zero_gives_the_one_hot_rows()
    {
        using var targets = RegressionTargets.For(classes: 4, dim: 0, seed: 7, ScalarType.Float32);
        using var identity = eye(4);
        Assert.True(targets.allclose(identity, rtol: 0, atol: 0));
    }

    [Fact]
    public void Random_targets_are_standard_normal_fixed_by_the_seed()
    {
        using var a = RegressionTargets.For(classes: 19, dim: 30, seed: 1, ScalarType.Float64);
        using var again = RegressionTargets.For(classes: 19, dim: 30, seed: 1, ScalarType.Float64);
        using var other = RegressionTargets.For(classes: 19, dim: 30, seed: 2, ScalarType.Float64);
        Assert.Equal([19L, 30L], a.shape);
        Assert.True(a.allclose(again, rtol: 0, atol: 0));
        Assert.False(a.allclose(other, rtol: 0, atol: 0));
        using var many = RegressionTargets.For(classes: 1000, dim: 100, seed: 3, ScalarType.Float64);
        Assert.InRange(many.mean().item<double>(), -0.01, 0.01);
        Assert.InRange(many.std().item<double>(), 0.99, 1.01);
    }

    [Fact]
    public void Bad_dimensions_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RegressionTargets.For(classes: 3, dim: -1, seed: 0, ScalarType.Float32));
        Assert.Throws<ArgumentOutOfRangeException>(() => RegressionTargets.For(classes: 0, dim: 2, seed: 0, ScalarType.Float32));
    }

    [Fact]
    public void Liu_toy_regression_comprehends_at_a_small_decoder_learning_rate()
    {
        // The example's setup at decoder lr 1e-4, weight decay 0 (Liu et al. Figure 5(b), the comprehension corner):
        // the embeddings (lr 1e-3) find the arithmetic structure before the slow decoder memorizes, so all ten
        // held-out sums are right, read as the nearest of the 19 random 30-d targets. With the embeddings
        // trained at the decoder's rate, this run memorizes at 20% validation accuracy instead.
        var config = new RunConfig
        {
            Seed = 1,
            Task = new TaskConfig { Kind = "toy", Modulus = 10, TrainFraction = 0.8182, Loss = "mse", TargetDim = 30 },
            Model = new ModelConfig { Kind = "toy", Depth = 3, Width = 200, EmbeddingDim = 1 },
            Optimizer = new OptimizerConfig
            {
                Lr = 1e-4, WeightDecay = 0, Beta2 = 0.999, WarmupSteps = 0, EmbeddingLr = 1e-3, EmbeddingWeightDecay = 0,
            },
            Training = new TrainingConfig { Steps = 4000, BatchSize = 0, EvalEvery = 100, RankEvery = 0 },
        };
        using var trainer = RunTrainer.Create(config);
        trainer.TrainUntil(config.Training.Steps, new List<StepMetrics>(), new List<LayerMetrics>());
        var outcome = trainer.Outcome;
        Assert.Equal((45L, 10L), (trainer.Sizes.Train, trainer.Sizes.Val));
        Assert.Equal(1.0, outcome.FinalValAcc);
        Assert.Equal(Phase.Comprehension, outcome.Phase);
    }
}
