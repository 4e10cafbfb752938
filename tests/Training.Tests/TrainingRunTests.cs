using Grokking.Training.Config;
using Grokking.Training.Metrics;
using Grokking.Training.Runs;

namespace Grokking.Training.Tests;

public class TrainingRunTests
{
    [Fact]
    public void Every_step_has_a_row_and_evaluations_land_on_the_documented_steps()
    {
        var config = new RunConfig
        {
            Task = new TaskConfig { Modulus = 7, TrainFraction = 0.5 },
            Model = new ModelConfig { Kind = "mlp", Depth = 2, Width = 16 },
            Training = new TrainingConfig { Steps = 25, BatchSize = 8, EvalEvery = 10, RankEvery = 20 },
        };
        var rows = new List<StepMetrics>();
        var layers = new List<LayerMetrics>();
        using var trainer = RunTrainer.Create(config);
        trainer.TrainUntil(100, rows, layers);

        Assert.Equal(Enumerable.Range(1, 25).Select(i => (long)i), rows.Select(r => r.Step));
        Assert.Equal([1L, 10, 20, 25], rows.Where(r => r.ValAcc is not null).Select(r => r.Step));
        Assert.Equal([1L, 20, 25], layers.Select(l => l.Step).Distinct());
        Assert.Equal(["linear0", "linear1"], layers.Where(l => l.Step == 1).Select(l => l.LayerName));
        Assert.All(rows, r => Assert.InRange(r.TrainAcc, 0, 1));
        Assert.True(trainer.IsFinished);
    }

    [Fact]
    public void Float64_runs_train_in_double_precision()
    {
        var config = new RunConfig
        {
            Task = new TaskConfig { Modulus = 5, TrainFraction = 0.6 },
            Model = new ModelConfig { Kind = "transformer", Depth = 1, Width = 8, Heads = 2, Norm = "none" },
            Training = new TrainingConfig { Steps = 3, BatchSize = 0, EvalEvery = 1, Dtype = "float64" },
        };
        var rows = new List<StepMetrics>();
        using var trainer = RunTrainer.Create(config);
        trainer.TrainUntil(3, rows, new List<LayerMetrics>());
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.True(double.IsFinite(r.TrainLoss)));
    }

    [Fact]
    public void Early_stop_ends_the_run_once_validation_accuracy_has_held_the_target_for_k_evaluations()
    {
        // A target of 0 is met by every evaluation, so the run must stop at its second one (step 10).
        var config = new RunConfig
        {
            Task = new TaskConfig { Modulus = 7, TrainFraction = 0.5 },
            Model = new ModelConfig { Kind = "mlp", Depth = 2, Width = 16 },
            Training = new TrainingConfig { Steps = 5000, BatchSize = 0, EvalEvery = 10, RankEvery = 1000, StopValAcc = 0.0, StopEvals = 2 },
        };
        var rows = new List<StepMetrics>();
        var layers = new List<LayerMetrics>();
        using var trainer = RunTrainer.Create(config);
        trainer.TrainUntil(5000, rows, layers);
        Assert.True(trainer.Outcome.StoppedEarly);
        Assert.True(trainer.IsFinished);
        Assert.Equal(10, rows.Count);
        Assert.Equal(10, layers[^1].Step); // the final step is measured like the last step of a full run
    }
}
