using Grokking.Training.Config;
using Grokking.Training.Metrics;
using Grokking.Training.Models;
using Grokking.Training.Runs;
using Grokking.Training.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace Grokking.Training.Tests;

/// <summary>
/// The seed papers' models as their authors' code builds them: parameter counts, initial statistics and the loss at
/// the first step, each derived from that code (the numbers below are worked out in the comments, not read off a run).
/// </summary>
public class ReferenceModelTests
{
    internal static RunConfig Nanda(double fraction = 0.3) => new()
    {
        Task = new TaskConfig { Operation = "x+y", Modulus = 113, TrainFraction = fraction, Layout = "nanda" },
        Model = ModelPresets.Nanda,
        Optimizer = new OptimizerConfig { Lr = 1e-3, WeightDecay = 1.0, Beta1 = 0.9, Beta2 = 0.98, WarmupSteps = 10 },
        Training = new TrainingConfig { Steps = 2, BatchSize = TrainingConfig.FullBatch, EvalEvery = 1, RankEvery = 0, LossPrecision = "float64" },
    };

    internal static RunConfig Power(string operation = "x/y") => new()
    {
        Task = new TaskConfig { Operation = operation, Modulus = 97, TrainFraction = 0.5, Layout = "power" },
        Model = ModelPresets.Power,
        Optimizer = new OptimizerConfig { Lr = 1e-3, WeightDecay = 1.0, Beta1 = 0.9, Beta2 = 0.98, WarmupSteps = 10 },
        Training = new TrainingConfig { Steps = 1, BatchSize = TrainingConfig.PowerBatch, EvalEvery = 1, RankEvery = 0 },
    };

    [Fact]
    public void Nanda_et_al_s_transformer_has_their_226816_parameters()
    {
        // transformers.py with p = 113, d_vocab = 114, d_model 128, 4 heads of 32, d_mlp 512, n_ctx 3:
        // W_E 128·114 + W_pos 3·128 + W_Q,K,V 3·4·32·128 + W_O 128·128 + W_in 512·128 + b_in 512 + W_out 128·512
        // + b_out 128 + W_U 128·114 = 14,592 + 384 + 49,152 + 16,384 + 65,536 + 512 + 65,536 + 128 + 14,592.
        using var trainer = RunTrainer.Create(Nanda());
        Assert.Equal(226_816, trainer.Sizes.Parameters);
    }

    [Fact]
    public void Nanda_et_al_s_initialisation_draws_every_weight_at_their_scale_with_no_attention_or_unembedding_bias()
    {
        TorchRuntime.Initialise();
        using var data = ModularTask.Build(Nanda().Task, 0);
        using var model = ModelFactory.Build(ModelPresets.Nanda, data, data.Classes);
        using (var generator = new Generator(1)) model.Initialise(generator, 1.0);
        var named = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        double dModel = 1 / Math.Sqrt(128), dVocab = 1 / Math.Sqrt(114);
        // randn / √d_model for W_E, W_pos, attention and both MLP matrices; randn / √d_vocab for W_U.
        AssertStd(named["tokens.weight"], dModel);
        AssertStd(named["blocks.0.qkv.weight"], dModel);
        AssertStd(named["blocks.0.output.weight"], dModel);
        AssertStd(named["blocks.0.ffnIn.weight"], dModel);
        AssertStd(named["blocks.0.ffnOut.weight"], dModel);
        AssertStd(named["unembed.weight"], dVocab);
        Assert.Equal(0, named["blocks.0.ffnIn.bias"].abs().max().item<float>());
        Assert.Equal(0, named["blocks.0.ffnOut.bias"].abs().max().item<float>());
        Assert.DoesNotContain(named.Keys, n => n.Contains("qkv.bias") || n.Contains("output.bias") || n.Contains("unembed.bias") || n.Contains("Norm"));
    }

    [Fact]
    public void Nanda_et_al_s_first_step_loss_is_close_to_ln_114()
    {
        // At their initialisation the residual stream has norm of a few units and W_U entries variance 1/114, so the
        // logits are nearly equal: the loss is about ln 114 = 4.736 plus half the logit variance (~0.05). PyTorch's
        // defaults (N(0, 1) embeddings) gave 5.03.
        var rows = new List<StepMetrics>();
        using var trainer = RunTrainer.Create(Nanda());
        trainer.TrainUntil(1, rows, new List<LayerMetrics>());
        Assert.InRange(rows[0].TrainLoss, Math.Log(114), Math.Log(114) + 0.15);
    }

    [Fact]
    public void Power_et_al_s_transformer_has_openai_grok_s_455424_parameters_and_no_linear_bias()
    {
        // grok with V = 239, d = 128, 2 layers: embedding 239·128; per block q, k, v 3·128·128, Wo 128·128, FFN
        // 2·128·512, two LayerNorms 2·2·128; unembedding 128·239 (no biases anywhere but LayerNorm; the sinusoids are
        // a buffer): 30,592 + 2 · 197,120 + 30,592 = 455,424.
        using var trainer = RunTrainer.Create(Power());
        Assert.Equal(455_424, trainer.Sizes.Parameters);
        TorchRuntime.Initialise();
        using var data = ModularTask.Build(Power().Task, 0);
        using var model = ModelFactory.Build(ModelPresets.Power, data, data.Classes);
        var names = model.named_parameters().Select(p => p.name).ToList();
        Assert.All(names.Where(n => n.EndsWith(".bias")), n => Assert.Contains("Norm", n));
        Assert.DoesNotContain("positions", names);
    }

    [Fact]
    public void Power_et_al_s_first_step_loss_is_ln_239_plus_a_sixth()
    {
        // Post-norm: the unembedding reads a LayerNorm output with |a|² = 128 per position; its weights are
        // U(±1/√128) with variance 1/384, so each logit has variance 128/384 = 1/3 and the expected cross-entropy over
        // 239 tokens is about ln 239 + (1/3)/2 = 5.476 + 0.167 = 5.643, at the answer and the end token alike.
        var rows = new List<StepMetrics>();
        using var trainer = RunTrainer.Create(Power());
        trainer.TrainUntil(1, rows, new List<LayerMetrics>());
        Assert.InRange(rows[0].TrainLoss, 5.643 - 0.1, 5.643 + 0.1);
    }

    [Theory]
    [InlineData(4656, 512)] // x/y at 50%
    [InlineData(466, 233)]  // x/y at 5%: grok's default train_data_pct
    [InlineData(467, 234)]  // ⌈467 / 2⌉
    public void Power_et_al_s_batch_is_min_512_and_half_the_training_set_rounded_up(long trainCount, long batch) =>
        Assert.Equal(batch, new TrainingConfig { BatchSize = TrainingConfig.PowerBatch }.BatchFor(trainCount));

    [Fact]
    public void Sinusoidal_positions_interleave_sin_and_cos_as_openai_grok_does()
    {
        TorchRuntime.Initialise();
        using var table = TransformerModel.Sinusoids(6, 8);
        var t = table.data<float>().ToArray();
        // PE[pos, 2k] = sin(pos / 10000^(2k/d)), PE[pos, 2k+1] = cos(pos / 10000^(2k/d)).
        Assert.Equal(Math.Sin(3 / Math.Pow(10000, 2.0 / 8)), t[3 * 8 + 2], 1e-6);
        Assert.Equal(Math.Cos(3 / Math.Pow(10000, 2.0 / 8)), t[3 * 8 + 3], 1e-6);
        Assert.Equal(0, t[0]);
        Assert.Equal(1, t[1]);
    }

    [Fact]
    public void Omnigrok_s_alpha_multiplies_every_weight_and_bias_of_PyTorch_s_default_initialisation()
    {
        // Omnigrok mnist-grokking.ipynb: p.data = initialization_scale * p.data after nn.Linear's U(±1/√fan_in).
        TorchRuntime.Initialise();
        using var model = new MlpModel(inputWidth: 784, vocabulary: 0, embeddingDim: 0, depth: 3, width: 200, classes: 10);
        using (var generator = new Generator(2)) model.Initialise(generator, 8.0);
        Assert.Equal(199_210, model.parameters().Sum(p => p.numel()));
        foreach (var (name, p) in model.named_parameters())
        {
            double bound = 8.0 / Math.Sqrt(name.StartsWith("layers.0") ? 784 : 200);
            double max = p.abs().max().item<float>();
            Assert.InRange(max, 0.9 * bound, bound);
        }
    }

    [Fact]
    public void A_run_whose_loss_becomes_infinite_stops_at_that_step_as_diverged()
    {
        var config = new RunConfig
        {
            Task = new TaskConfig { Modulus = 7, TrainFraction = 0.5 },
            Model = new ModelConfig { Kind = "mlp", Depth = 2, Width = 16, InitScale = 1e30 },
            Optimizer = new OptimizerConfig { WarmupSteps = 0 },
            Training = new TrainingConfig { Steps = 50, BatchSize = TrainingConfig.FullBatch, EvalEvery = 10 },
        };
        var rows = new List<StepMetrics>();
        using var trainer = RunTrainer.Create(config);
        trainer.TrainUntil(50, rows, new List<LayerMetrics>());
        Assert.True(trainer.IsFinished);
        var outcome = trainer.Outcome;
        Assert.Equal(Phase.Diverged, outcome.Phase);
        Assert.Equal(rows[^1].Step, outcome.DivergedAt);
        Assert.False(double.IsFinite(rows[^1].TrainLoss));
        Assert.All(rows.SkipLast(1), r => Assert.True(double.IsFinite(r.TrainLoss)));
        Assert.True(rows.Count < 50);
    }

    [Fact]
    public void Liu_et_al_s_toy_model_has_uniform_embeddings_and_a_width_200_tanh_decoder()
    {
        // grokking-squared toy/train_add.py: reprs (torch.rand(p, 1) - 1/2) (228-230); Linear(1, 200), Linear(200, 200),
        // Linear(200, 30) with PyTorch's defaults (8-20, 64; output_dim 30, 52): 10 + 400 + 40,200 + 6,030 parameters.
        TorchRuntime.Initialise();
        using var model = new ToyModel(symbols: 10, embeddingDim: 1, depth: 3, width: 200, classes: 30);
        using (var generator = new Generator(4)) model.Initialise(generator, 1.0);
        Assert.Equal(46_640, model.parameters().Sum(p => p.numel()));
        var embeddings = model.TokenEmbeddings.data<float>().ToArray();
        Assert.All(embeddings, e => Assert.InRange(e, -0.5f, 0.5f));
        Assert.True(embeddings.Max() - embeddings.Min() > 0.3, "ten draws of U(-0.5, 0.5) spread out");
    }

    private static void AssertStd(Tensor weight, double expected)
    {
        double std = weight.std().item<float>();
        Assert.InRange(std, 0.95 * expected, 1.05 * expected);
    }
}
