using Grokking.Training.Config;
using Grokking.Training.Metrics;
using Grokking.Training.Runs;

namespace Grokking.Training.Tests;

/// <summary>
/// A silo trains several runs at once in one process. Each must be unaffected by the others and by the garbage
/// collector: a TorchSharp Scalar created implicitly for an op (p.mul_(0.9)) can be finalized, freeing its native
/// memory, while the op still reads it, which corrupts the op only when another thread keeps the GC busy.
/// </summary>
public class ConcurrentTrainingTests
{
    private static RunConfig Config(string model) => new()
    {
        Task = new TaskConfig { Kind = model == "toy" ? "toy" : "modular", Modulus = model == "toy" ? 10 : 7, TrainFraction = 0.8 },
        Model = model switch
        {
            "toy" => new ModelConfig { Kind = "toy", Depth = 3, Width = 32, EmbeddingDim = 1 },
            "transformer" => new ModelConfig { Kind = "transformer", Depth = 1, Width = 16, Heads = 2, Dropout = 0.1 },
            _ => new ModelConfig { Kind = "mlp", Depth = 2, Width = 16 },
        },
        Optimizer = new OptimizerConfig { WeightDecay = 1.0, EmbeddingWeightDecay = 0.5 },
        Training = new TrainingConfig { Steps = 1000, BatchSize = 0, EvalEvery = 50, RankEvery = 500 },
    };

    [Theory]
    [InlineData("toy")]
    [InlineData("mlp")]
    [InlineData("transformer")]
    public void Runs_trained_on_parallel_threads_under_gc_pressure_match_a_run_trained_alone(string model)
    {
        var alone = Train(Config(model));

        using var stop = new CancellationTokenSource();
        var collector = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }) { IsBackground = true };
        collector.Start();
        var results = new List<StepMetrics>[3];
        var errors = new Exception?[results.Length];
        var threads = Enumerable.Range(0, results.Length).Select(i => new Thread(() =>
        {
            try { results[i] = Train(Config(model)); }
            catch (Exception e) { errors[i] = e; }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        stop.Cancel();
        collector.Join();

        Assert.All(errors, e => Assert.True(e is null, $"a concurrent run failed: {e}"));

        foreach (var rows in results)
        {
            Assert.Equal(alone.Count, rows.Count);
            for (int i = 0; i < alone.Count; i++)
                Assert.True(alone[i] with { WallTimeS = 0 } == rows[i] with { WallTimeS = 0 }, $"step {alone[i].Step} differs:\n alone      {alone[i]}\n concurrent {rows[i]}");
        }
    }

    private static List<StepMetrics> Train(RunConfig config)
    {
        var rows = new List<StepMetrics>();
        using var trainer = RunTrainers.Create(config);
        trainer.TrainUntil(config.Training.Steps, rows, new List<LayerMetrics>());
        return rows;
    }
}
