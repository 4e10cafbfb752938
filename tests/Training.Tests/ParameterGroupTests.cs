using Grokking.Training.Config;
using Grokking.Training.Metrics;
using Grokking.Training.Models;
using Grokking.Training.Optimization;
using Grokking.Training.Runs;
using Grokking.Training.Tasks;

namespace Grokking.Training.Tests;

/// <summary>Liu et al.'s toy model trains its embeddings and its decoder with different learning rates and decays.</summary>
public class ParameterGroupTests
{
    private static readonly RunConfig Toy = new()
    {
        Task = new TaskConfig { Kind = "toy", Modulus = 10, TrainFraction = 0.8 },
        Model = new ModelConfig { Kind = "toy", Depth = 3, Width = 16, EmbeddingDim = 1 },
        Optimizer = new OptimizerConfig { Lr = 1e-3, WeightDecay = 5, EmbeddingLr = 1e-2, EmbeddingWeightDecay = 0, WarmupSteps = 0 },
        Training = new TrainingConfig { Steps = 40, BatchSize = 0, EvalEvery = 1, RankEvery = 0 },
    };

    [Theory]
    [InlineData("toy", 10)]
    [InlineData("mlp", 9 * 8)]            // 7 numbers, the operator and "="
    [InlineData("transformer", 9 * 8 + 4 * 8)] // tokens and the 4 positions of "x op y ="
    public void The_embedding_group_holds_exactly_the_embeddings_and_the_groups_partition_the_model(string kind, long embeddingCount)
    {
        var config = kind == "toy" ? Toy : new RunConfig
        {
            Task = new TaskConfig { Modulus = 7 },
            Model = new ModelConfig { Kind = kind, Depth = 1, Width = 8, Heads = 2, EmbeddingDim = kind == "mlp" ? 8 : 0 },
            Optimizer = new OptimizerConfig { EmbeddingLr = 1e-2 },
        };
        using var data = TaskDataFactory.Build(config.Task, config.Seed);
        using var model = ModelFactory.Build(config.Model, data, data.Classes);
        var groups = ParameterGroup.Split(model, config.Optimizer);

        Assert.Equal(2, groups.Count);
        Assert.Equal(embeddingCount, groups[0].Parameters.Sum(p => p.numel()));
        Assert.Equal(model.parameters().Sum(p => p.numel()), groups.Sum(g => g.Parameters.Sum(p => p.numel())));
        Assert.Equal(config.Optimizer.EmbeddingLr, groups[0].Lr);
        Assert.Equal(config.Optimizer.Lr, groups[1].Lr);
    }

    [Fact]
    public void Without_embedding_settings_every_parameter_takes_the_main_learning_rate()
    {
        var config = Toy with { Optimizer = new OptimizerConfig { Lr = 1e-3 } };
        using var data = TaskDataFactory.Build(config.Task, config.Seed);
        using var model = ModelFactory.Build(config.Model, data, data.Classes);
        var groups = ParameterGroup.Split(model, config.Optimizer);
        Assert.Empty(groups[0].Parameters);
        Assert.Equal(model.parameters().Sum(p => p.numel()), groups[1].Parameters.Sum(p => p.numel()));
    }

    [Fact]
    public void Embeddings_move_at_their_own_learning_rate_while_the_decoder_is_frozen()
    {
        // A decoder learning rate of 1e-12 freezes everything but the ten 1-D embeddings, which Adam moves by
        // about their learning rate (1e-2) a step. The weight norm must change by far more than the decoder can.
        var config = Toy with { Optimizer = Toy.Optimizer with { Lr = 1e-12, WeightDecay = 0 } };
        var norms = WeightNorms(config);
        Assert.True(Math.Abs(norms[^1] - norms[0]) > 0.01, $"weight norm went from {norms[0]} to {norms[^1]}");
    }

    [Fact]
    public void Decoder_weight_decay_leaves_the_embeddings_alone()
    {
        // Learning rates of 1e-12 leave only the decay: lr * wd = 1e-2 a step shrinks the decoder by 0.99^40.
        // Embeddings with decay 0 must keep their size; with the same decay as the decoder they shrink too.
        var decoderOnly = Toy with { Optimizer = Toy.Optimizer with { Lr = 1e-12, WeightDecay = 1e10, EmbeddingLr = 1e-12 } };
        var everything = decoderOnly with { Optimizer = decoderOnly.Optimizer with { EmbeddingWeightDecay = 1e10 } };
        double kept = WeightNorms(decoderOnly)[^1], shrunk = WeightNorms(everything)[^1];
        Assert.True(kept > shrunk, $"embeddings with decay 0 must keep their size: {kept} vs {shrunk}");
    }

    private static List<double> WeightNorms(RunConfig config)
    {
        var rows = new List<StepMetrics>();
        using var trainer = RunTrainer.Create(config);
        trainer.TrainUntil(config.Training.Steps, rows, new List<LayerMetrics>());
        return rows.Select(r => r.WeightNorm!.Value).ToList();
    }
}
