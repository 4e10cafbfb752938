using Grokking.Training.Config;
using Grokking.Training.Metrics;
using Grokking.Training.Stopping;

namespace Grokking.Training.Tests;

public class StopRuleTests
{
    [Fact]
    public void Val_acc_hold_fires_on_the_kth_consecutive_evaluation_at_target_and_a_dip_restarts_the_count()
    {
        var rule = new ValAccHold(target: 0.99, evals: 3);
        double[] valAcc = [0.995, 0.999, 0.98, 0.99, 0.995];
        Assert.Equal([false, false, false, false, false], valAcc.Select((v, i) => rule.Observe(Eval(i, 1, v))));
        Assert.True(rule.Observe(Eval(5, 1, 1.0)));
        Assert.True(rule.Observe(Eval(6, 1, 0.1))); // fired stays fired
        Assert.Equal("val_acc", rule.Reason);
    }

    [Fact]
    public void Val_loss_below_fires_at_the_first_evaluation_under_the_level()
    {
        var rule = new ValLossBelow(level: 0.05);
        Assert.False(rule.Observe(new Evaluation(10, 0.5, 0.5, 0.05, 0.5)));
        Assert.True(rule.Observe(new Evaluation(20, 0.5, 0.5, 0.049, 0.5)));
        Assert.Equal("val_loss", rule.Reason);
    }

    [Fact]
    public void Phase_decided_fires_once_both_accuracies_have_reached_the_threshold_even_on_different_evaluations()
    {
        var rule = new PhaseDecided(threshold: 0.9, evals: 1);
        Assert.False(rule.Observe(new Evaluation(100, 0, 0.95, 0, 0.2))); // train crossed: memorization, comprehension or grokking
        Assert.False(rule.Observe(new Evaluation(200, 0, 0.85, 0, 0.5)));
        Assert.True(rule.Observe(new Evaluation(300, 0, 0.85, 0, 0.91))); // val crossed while train had dipped below
        Assert.Equal((100L, 300L), (rule.TrainStep, rule.ValStep));
        Assert.Equal("phase_decided", rule.Reason);

        var valFirst = new PhaseDecided(threshold: 0.9, evals: 1);
        Assert.False(valFirst.Observe(new Evaluation(100, 0, 0.5, 0, 0.9))); // confusion or comprehension still open
        Assert.True(valFirst.Observe(new Evaluation(200, 0, 0.9, 0, 0.5)));
    }

    [Fact]
    public void Phase_decided_with_phase_evals_holds_that_many_evaluations_counted_from_the_deciding_one()
    {
        var rule = new PhaseDecided(threshold: 0.9, evals: 3);
        Assert.False(rule.Observe(new Evaluation(100, 0, 0.5, 0, 0.5)));
        Assert.False(rule.Observe(new Evaluation(200, 0, 1.0, 0, 1.0))); // decided: 1
        Assert.False(rule.Observe(new Evaluation(300, 0, 0.1, 0, 0.1))); // 2: accuracy need not stay up
        Assert.True(rule.Observe(new Evaluation(400, 0, 1.0, 0, 1.0)));
        Assert.Equal(3, rule.EvalsDecided);
    }

    [Fact]
    public void The_factory_builds_the_configured_rules_in_a_fixed_order_and_none_by_default()
    {
        Assert.Empty(StopRules.For(new TrainingConfig()));
        var all = StopRules.For(new TrainingConfig { StopPhaseDecided = true, StopValLoss = 0.1, StopValAcc = 0.99 });
        Assert.Equal(["val_acc", "val_loss", "phase_decided"], all.Select(r => r.Reason));
    }

    [Fact]
    public void The_stop_reason_names_the_first_rule_that_fired_or_diverged_and_stays_null_without_one()
    {
        var training = new TrainingConfig { StopValAcc = 0.5, StopEvals = 1, StopValLoss = 0.1, StopPhaseDecided = true, PhaseThreshold = 0.9 };
        var running = new OutcomeTracker(training);
        running.Observe(1, 1.0, 0.95, 1.0, 0.2);
        Assert.Null(running.StopReason);
        Assert.Null(running.Outcome(1, 0).StopReason);
        Assert.False(running.Outcome(1, 0).StoppedEarly);

        // Several rules on one evaluation: the factory's order decides the name.
        var all = new OutcomeTracker(training);
        all.Observe(1, 1.0, 0.95, 0.05, 0.95);
        Assert.Equal("val_acc", all.Outcome(1, 0).StopReason);
        Assert.True(all.Outcome(1, 0).StoppedEarly);
        Assert.True(all.Rules.All(r => r.Fired));

        var diverged = new OutcomeTracker(training);
        diverged.Observe(1, 1.0, 0.95, 0.05, 0.95);
        diverged.Diverge(2);
        var outcome = diverged.Outcome(2, 0);
        Assert.Equal(("diverged", false, Phase.Diverged), (outcome.StopReason, outcome.StoppedEarly, outcome.Phase));
    }

    [Fact]
    public void Phase_decided_stops_with_the_label_the_run_gets_trained_to_the_end_on_random_curves()
    {
        var random = new Random(20_240_611);
        int fired = 0, notFired = 0;
        var phases = new HashSet<Phase>();
        for (int trial = 0; trial < 20_000; trial++)
        {
            var training = new TrainingConfig
            {
                PhaseThreshold = random.Next(1, 20) / 20.0,
                PhaseGap = random.Next(0, 8) * 25,
                StopPhaseDecided = true,
                StopPhaseEvals = random.Next(1, 4),
            };
            var curve = Curve(random, evaluations: random.Next(1, 60), evalEvery: random.Next(1, 30));

            var full = new OutcomeTracker(training with { StopPhaseDecided = false });
            foreach (var e in curve) full.Observe(e.Step, e.TrainLoss, e.TrainAcc, e.ValLoss, e.ValAcc);
            var stopped = new OutcomeTracker(training);
            int seen = 0;
            foreach (var e in curve.TakeWhile(_ => !stopped.ShouldStop))
            {
                stopped.Observe(e.Step, e.TrainLoss, e.TrainAcc, e.ValLoss, e.ValAcc);
                seen++;
            }

            var endPhase = full.Outcome(curve[^1].Step, 0).Phase;
            Assert.Equal(endPhase, stopped.Outcome(curve[seen - 1].Step, 0).Phase);
            phases.Add(endPhase);
            // The rule reads the tracker's own first-crossing steps...
            var rule = (PhaseDecided)stopped.Rules.Single();
            Assert.Equal((stopped.StepTrainThreshold, stopped.StepValThreshold), (rule.TrainStep, rule.ValStep));
            // ...and stops phase_evals - 1 evaluations after the later of them, the first evaluation that fixes the label.
            int deciding = full.StepTrainThreshold is { } t && full.StepValThreshold is { } v
                ? curve.FindIndex(e => e.Step == Math.Max(t, v)) : -1;
            if (deciding >= 0 && deciding + training.StopPhaseEvals <= curve.Count)
            {
                Assert.Equal("phase_decided", stopped.StopReason);
                Assert.Equal(deciding + training.StopPhaseEvals, seen);
                fired++;
            }
            else
            {
                Assert.Null(stopped.StopReason);
                Assert.Equal(curve.Count, seen);
                notFired++;
            }
        }
        // The sample covers every phase and both outcomes of the rule.
        Assert.Equal(4, phases.Count);
        Assert.True(fired > 2_000 && notFired > 2_000, $"fired {fired}, not fired {notFired}");
    }

    // Accuracies that mostly rise, each as a noisy logistic with its own onset, and sometimes never get far.
    private static List<Evaluation> Curve(Random random, int evaluations, int evalEvery)
    {
        double Onset() => random.NextDouble() * evaluations * 1.5;
        double Height() => random.NextDouble() < 0.2 ? random.NextDouble() : 1.0;
        double Noise() => random.NextDouble() < 0.5 ? 0 : random.NextDouble() * 0.3;
        double trainOnset = Onset(), valOnset = Onset(), trainTop = Height(), valTop = Height();
        double width = 0.5 + random.NextDouble() * 5;
        var curve = new List<Evaluation>();
        for (int i = 0; i < evaluations; i++)
        {
            double train = Math.Clamp(trainTop / (1 + Math.Exp(-(i - trainOnset) / width)) - Noise() * random.NextDouble(), 0, 1);
            double val = Math.Clamp(valTop / (1 + Math.Exp(-(i - valOnset) / width)) - Noise() * random.NextDouble(), 0, 1);
            curve.Add(new Evaluation(1 + (long)i * evalEvery, 1 - train, train, 1 - val, val));
        }
        return curve;
    }

    private static Evaluation Eval(long step, double trainAcc, double valAcc) => new(step, 1 - trainAcc, trainAcc, 1 - valAcc, valAcc);
}
