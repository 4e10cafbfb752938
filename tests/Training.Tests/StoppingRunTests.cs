using Grokking.Training.Checkpoints;
using Grokking.Training.Config;
using Grokking.Training.Metrics;
using Grokking.Training.Runs;

namespace Grokking.Training.Tests;

/// <summary>Stopping rules in real step loops: where runs stop, and that a resumed run stops at the same step.</summary>
public class StoppingRunTests
{
    // Every rule at once. A phase threshold of 0 is met at step 1, so phase_decided fires on its 4th evaluation
    // (steps 1, 5, 10, 15); val_acc would need 10 and val_loss never fires.
    private static readonly RunConfig AllRules = new()
    {
        Task = new TaskConfig { Modulus = 7, TrainFraction = 0.5 },
        Model = new ModelConfig { Kind = "mlp", Depth = 2, Width = 16 },
        Training = new TrainingConfig
        {
            Steps = 500, BatchSize = 0, EvalEvery = 5, RankEvery = 10, ProbeSize = 16, PhaseThreshold = 0,
            StopValAcc = 0.0, StopEvals = 10, StopValLoss = 1e-12, StopPhaseDecided = true, StopPhaseEvals = 4,
        },
    };

    [Fact]
    public void A_run_resumed_while_its_rules_are_counting_stops_at_the_uninterrupted_step_with_identical_metrics()
    {
        var (rows, layers, outcome) = Train(RunTrainer.Create(AllRules), 500);
        Assert.Equal((15L, "phase_decided"), (outcome.StepsTrained, outcome.StopReason));

        // Step 12: three evaluations seen, so both counting rules are mid-count; losing that state would stop at step 30.
        var firstRows = new List<StepMetrics>();
        var firstLayers = new List<LayerMetrics>();
        byte[] checkpoint;
        using (var first = RunTrainer.Create(AllRules))
        {
            first.TrainUntil(12, firstRows, firstLayers);
            checkpoint = first.SaveCheckpoint();
        }
        var (restRows, restLayers, resumedOutcome) = Train(RunTrainer.Resume(AllRules, checkpoint), 500);

        Assert.Equal(Comparable(rows), Comparable([.. firstRows, .. restRows]));
        Assert.Equal(layers, [.. firstLayers, .. restLayers]);
        Assert.Equal(outcome with { WallTimeS = 0 }, resumedOutcome with { WallTimeS = 0 });
    }

    [Fact]
    public void A_checkpoint_with_other_stop_rules_is_refused_as_another_configuration()
    {
        using var trainer = RunTrainer.Create(AllRules);
        trainer.TrainUntil(3, new List<StepMetrics>(), new List<LayerMetrics>());
        var other = AllRules with { Training = AllRules.Training with { StopPhaseDecided = false } };

        var error = Assert.Throws<InvalidDataException>(() => RunTrainer.Resume(other, trainer.SaveCheckpoint()));
        Assert.Contains("stop rules (val_acc, val_loss, phase_decided) differ from the configuration's (val_acc, val_loss)", error.Message);
        Assert.Contains("different configuration", error.Message);
    }

    [Fact]
    public void The_noop_trainer_stops_when_the_phase_is_decided_and_resumes_to_the_same_step()
    {
        // Train accuracy reaches 0.9 at step 90, validation accuracy between steps 550 and 560.
        var config = new RunConfig
        {
            Task = new TaskConfig { Kind = "noop" },
            Training = new TrainingConfig { Steps = 1000, EvalEvery = 10, RankEvery = 0, StopPhaseDecided = true, StopPhaseEvals = 3 },
        };
        var (rows, _, outcome) = Train(NoopTrainer.Create(config), 1000);
        Assert.Equal((580L, 90L, 560L), (outcome.StepsTrained, outcome.StepTrainThreshold, outcome.StepValThreshold));
        Assert.Equal(("phase_decided", true, Phase.Comprehension), (outcome.StopReason, outcome.StoppedEarly, outcome.Phase));

        var firstRows = new List<StepMetrics>();
        byte[] checkpoint;
        using (var first = NoopTrainer.Create(config))
        {
            first.TrainUntil(565, firstRows, new List<LayerMetrics>());
            checkpoint = first.SaveCheckpoint();
        }
        var (restRows, _, resumed) = Train(NoopTrainer.Resume(config, checkpoint), 1000);
        Assert.Equal(Comparable(rows), Comparable([.. firstRows, .. restRows]));
        Assert.Equal(outcome with { WallTimeS = 0 }, resumed with { WallTimeS = 0 });
    }

    [Fact]
    public void A_format_2_checkpoint_from_before_the_stop_rules_resumes_mid_hold_and_stops_where_it_would_have()
    {
        // Written by the build before this format (commit f41887d) at step 12 of this run: val_acc had held 3 of 4 evaluations.
        var mlp = new RunConfig
        {
            Task = new TaskConfig { Modulus = 5, TrainFraction = 0.5 },
            Model = new ModelConfig { Kind = "mlp", Depth = 1, Width = 8 },
            Training = new TrainingConfig { Steps = 100, BatchSize = 0, EvalEvery = 5, RankEvery = 10, ProbeSize = 8, StopValAcc = 0.0, StopEvals = 4 },
        };
        var (rows, _, outcome) = Train(RunTrainer.Create(mlp), 100);
        Assert.Equal((15L, "val_acc"), (outcome.StepsTrained, outcome.StopReason));

        // Steps 1-12 ran on another machine, whose CPU may round differently in the last bits: equal to 1e-6, not bit for bit.
        var (restRows, _, resumed) = Train(RunTrainer.Resume(mlp, Format2("mlp-step12")), 100);
        Assert.Equal(rows[12..].Select(r => (r.Step, r.ValAcc)), restRows.Select(r => (r.Step, r.ValAcc)));
        Assert.All(rows[12..].Zip(restRows), pair => Assert.Equal(pair.First.TrainLoss, pair.Second.TrainLoss, 1e-6));
        Assert.Equal((outcome.StepsTrained, outcome.StopReason, outcome.StepTrainThreshold, outcome.Phase),
            (resumed.StepsTrained, resumed.StopReason, resumed.StepTrainThreshold, resumed.Phase));

        // The same for the noop trainer's layout: val_acc 0.95 held once at step 120, so the third hold is at step 140.
        var noop = new RunConfig
        {
            Task = new TaskConfig { Kind = "noop" },
            Training = new TrainingConfig { Steps = 200, EvalEvery = 10, RankEvery = 0, StopValAcc = 0.95, StopEvals = 3 },
        };
        var (noopRows, _, noopOutcome) = Train(NoopTrainer.Resume(noop, Format2("noop-step125")), 200);
        Assert.Equal((140L, "val_acc"), (noopOutcome.StepsTrained, noopOutcome.StopReason));
        Assert.Equal(Enumerable.Range(126, 15).Select(s => (long)s), noopRows.Select(r => r.Step));
    }

    [Fact]
    public void A_format_2_checkpoint_is_refused_for_a_config_with_a_rule_it_predates()
    {
        var noop = new RunConfig
        {
            Task = new TaskConfig { Kind = "noop" },
            Training = new TrainingConfig { Steps = 200, EvalEvery = 10, RankEvery = 0, StopValAcc = 0.95, StopEvals = 3, StopPhaseDecided = true },
        };
        var error = Assert.Throws<InvalidDataException>(() => NoopTrainer.Resume(noop, Format2("noop-step125")));
        Assert.Contains("format 2 predates the stop rule phase_decided", error.Message);

        var blob = Format2("noop-step125");
        CheckpointEnvelope.Open(blob, out int version);
        Assert.Equal(2, version);
        blob[8] = 1;
        Assert.Contains("version 1; this build reads versions 2 to 3", Assert.Throws<InvalidDataException>(() => CheckpointEnvelope.Open(blob)).Message);
    }

    [Fact]
    public void Phase_decided_on_the_toy_model_keeps_the_phase_of_the_full_run_in_fewer_steps()
    {
        // Cell (lr 1e-4, weight decay 0) of examples/liu-toy-phase-diagram-numpy58.yaml, evaluated every 10 steps.
        var full = new RunConfig
        {
            Seed = 1,
            Task = new TaskConfig { Kind = "toy", Modulus = 10, TrainFraction = 0.8182, Loss = "mse", TargetDim = 30, NumpySeed = 58 },
            Model = new ModelConfig { Kind = "toy", Depth = 3, Width = 200, EmbeddingDim = 1 },
            Optimizer = new OptimizerConfig { Lr = 1e-4, WeightDecay = 0, Beta2 = 0.999, WarmupSteps = 0, EmbeddingLr = 1e-3, EmbeddingWeightDecay = 0 },
            Training = new TrainingConfig { Steps = 2000, BatchSize = 0, EvalEvery = 10, RankEvery = 0, CheckpointEvery = 2000 },
        };
        var stopping = full with { Training = full.Training with { StopPhaseDecided = true } };

        var (fullRows, _, fullOutcome) = Train(RunTrainer.Create(full), 2000);
        var (stoppedRows, _, stoppedOutcome) = Train(RunTrainer.Create(stopping), 2000);

        // Liu et al.'s cell at eval_every 1 crosses at steps 1122 (train) and 1362 (validation).
        Assert.Equal((Phase.Comprehension, 1130L, 1370L), (fullOutcome.Phase, fullOutcome.StepTrainThreshold, fullOutcome.StepValThreshold));
        Assert.Equal(fullOutcome.Phase, stoppedOutcome.Phase);
        Assert.Equal(Math.Max(fullOutcome.StepTrainThreshold!.Value, fullOutcome.StepValThreshold!.Value), stoppedOutcome.StepsTrained);
        Assert.Equal("phase_decided", stoppedOutcome.StopReason);
        Assert.Null(fullOutcome.StopReason);
        Assert.Equal(Comparable(fullRows[..stoppedRows.Count]), Comparable(stoppedRows));
    }

    private static (List<StepMetrics> Rows, List<LayerMetrics> Layers, RunOutcome Outcome) Train(IRunTrainer trainer, long until)
    {
        using (trainer)
        {
            var rows = new List<StepMetrics>();
            var layers = new List<LayerMetrics>();
            trainer.TrainUntil(until, rows, layers);
            Assert.True(trainer.IsFinished);
            return (rows, layers, trainer.Outcome);
        }
    }

    private static byte[] Format2(string name) =>
        Convert.FromBase64String(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Format2", name + ".b64")));

    // Wall time is the one column that legitimately differs between two executions.
    private static List<StepMetrics> Comparable(List<StepMetrics> rows) => rows.Select(r => r with { WallTimeS = 0 }).ToList();
}
