using Grokking.Training.Checkpoints;
using Grokking.Training.Config;
using Grokking.Training.Metrics;
using Grokking.Training.Runs;

namespace Grokking.Training.Tests;

public class CheckpointTests
{
    public static TheoryData<string> Configs => ["transformer-dropout", "mlp-float64-decay-to-init", "toy-embedding-groups"];

    private static RunConfig Config(string name) => name switch
    {
        "transformer-dropout" => new RunConfig
        {
            Seed = 3,
            Task = new TaskConfig { Operation = "x-y", Modulus = 11, TrainFraction = 0.5 },
            Model = new ModelConfig { Kind = "transformer", Depth = 2, Width = 16, Heads = 2, Dropout = 0.2 },
            Training = new TrainingConfig { Steps = 60, BatchSize = 24, EvalEvery = 7, RankEvery = 10, ProbeSize = 40 },
        },
        "mlp-float64-decay-to-init" => new RunConfig
        {
            Seed = 5,
            Task = new TaskConfig { Operation = "x^2+y^2", Modulus = 13, TrainFraction = 0.6, Layout = "nanda" },
            Model = new ModelConfig { Kind = "mlp", Depth = 3, Width = 24, InitScale = 2 },
            Optimizer = new OptimizerConfig { DecayToward = "init", WeightDecay = 0.3 },
            Training = new TrainingConfig { Steps = 60, BatchSize = 40, EvalEvery = 5, RankEvery = 20, Dtype = "float64" },
        },
        _ => new RunConfig
        {
            Seed = 9,
            Task = new TaskConfig { Kind = "toy", Modulus = 10, TrainFraction = 45.0 / 55 },
            Model = new ModelConfig { Kind = "toy", Depth = 3, Width = 32 },
            Optimizer = new OptimizerConfig { Lr = 1e-3, WeightDecay = 0.1, EmbeddingLr = 1e-2, EmbeddingWeightDecay = 0 },
            Training = new TrainingConfig { Steps = 60, BatchSize = 16, EvalEvery = 10, RankEvery = 15 },
        },
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void A_run_resumed_from_a_checkpoint_repeats_the_uninterrupted_run_bit_for_bit(string name)
    {
        var config = Config(name);
        const int n = 23, m = 37;

        var (uninterrupted, uninterruptedLayers) = Train(config, n + m);

        byte[] checkpoint;
        var firstRows = new List<StepMetrics>();
        var firstLayers = new List<LayerMetrics>();
        using (var first = RunTrainer.Create(config))
        {
            first.TrainUntil(n, firstRows, firstLayers);
            checkpoint = first.SaveCheckpoint();
        }

        var rows = new List<StepMetrics>(firstRows);
        var layers = new List<LayerMetrics>(firstLayers);
        using (var resumed = RunTrainer.Resume(config, checkpoint))
        {
            Assert.Equal(n, resumed.Step);
            resumed.TrainUntil(n + m, rows, layers);
        }

        Assert.Equal(Comparable(uninterrupted), Comparable(rows));
        Assert.Equal(uninterruptedLayers, layers);
    }

    [Fact]
    public void A_corrupted_or_truncated_checkpoint_is_refused_with_the_reason()
    {
        var config = Config("toy-embedding-groups");
        using var trainer = RunTrainer.Create(config);
        trainer.TrainUntil(3, new List<StepMetrics>(), new List<LayerMetrics>());
        var blob = trainer.SaveCheckpoint();

        var flipped = (byte[])blob.Clone();
        flipped[blob.Length / 2] ^= 0x40;
        Assert.Contains("checksum", Assert.Throws<InvalidDataException>(() => RunTrainer.Resume(config, flipped)).Message);
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => RunTrainer.Resume(config, blob[..^100])).Message);
        Assert.Contains("different configuration", Assert.Throws<InvalidDataException>(
            () => RunTrainer.Resume(config with { Model = config.Model with { Width = 33 } }, blob)).Message);
    }

    [Fact]
    public void The_envelope_records_format_version_and_rejects_other_versions()
    {
        var blob = CheckpointEnvelope.Seal([1, 2, 3]);
        Assert.Equal([1, 2, 3], CheckpointEnvelope.Open(blob).ToArray());
        blob[8] = 99;
        Assert.Contains("version 99", Assert.Throws<InvalidDataException>(() => CheckpointEnvelope.Open(blob)).Message);
    }

    private static (List<StepMetrics>, List<LayerMetrics>) Train(RunConfig config, int steps)
    {
        var rows = new List<StepMetrics>();
        var layers = new List<LayerMetrics>();
        using var trainer = RunTrainer.Create(config);
        trainer.TrainUntil(steps, rows, layers);
        return (rows, layers);
    }

    // Wall time is the one column that legitimately differs between two executions.
    private static List<StepMetrics> Comparable(List<StepMetrics> rows) => rows.Select(r => r with { WallTimeS = 0 }).ToList();
}
