using Grokking.Grains.Specs;

namespace Grokking.Grains.Tests.Specs;

public sealed class SpecExampleTests
{
    // The brief's example, with the two range-form illustrations moved onto fields of their own:
    // as written there, decoder_lr repeats optimizer.lr (already swept as lr), which a spec refuses.
    private const string Example = """
        name: quick-addition            # sweep id
        seed: 0
        task: { kind: modular, operation: "x+y", modulus: 23, train_fraction: 0.5, layout: compact }
        model: { kind: mlp, depth: 2, width: 128 }
        optimizer: { name: adamw, lr: 1e-3, weight_decay: 1.0, betas: [0.9, 0.98], warmup_steps: 10 }
        training: { steps: 3000, batch_size: 512, eval_every: 50, rank_every: 500, checkpoint_every: 500 }
        grid:
          lr: [3e-4, 1e-3]
          weight_decay: [0.0, 1.0]
          train_fraction: [0.3, 0.5]
          depth: [2, 4]
          seed: [0, 1]
          embedding_lr: { log_range: [1e-4, 1e-2], points: 11 }
          embedding_weight_decay: { range: [0, 10], points: 11 }
        """;

    [Fact]
    public void Example_sets_every_section_of_the_base_config()
    {
        var spec = SpecParser.Parse(Example);

        Assert.Equal("quick-addition", spec.Name);
        Assert.Equal("modular", spec.Base.Task.Kind);
        Assert.Equal("x+y", spec.Base.Task.Operation);
        Assert.Equal(23, spec.Base.Task.Modulus);
        Assert.Equal("mlp", spec.Base.Model.Kind);
        Assert.Equal(128, spec.Base.Model.Width);
        Assert.Equal(1e-3, spec.Base.Optimizer.Lr);
        Assert.Equal(0.98, spec.Base.Optimizer.Beta2);
        Assert.Equal(3000, spec.Base.Training.Steps);
        Assert.Equal(50, spec.Base.Training.EvalEvery);
        Assert.Equal("any", spec.Accelerator);
        Assert.Equal(3, spec.MaxFailures);
        Assert.Equal(Example, spec.SourceText);
    }

    [Fact]
    public void Example_grid_has_the_axes_in_spec_order_with_short_names_and_typed_values()
    {
        var spec = SpecParser.Parse(Example);

        Assert.Equal(
            ["lr", "weight_decay", "train_fraction", "depth", "seed", "embedding_lr", "embedding_weight_decay"],
            spec.Axes.Select(a => a.ShortName));
        Assert.Equal("optimizer.lr", spec.Axes[0].Path);
        Assert.Equal(new object[] { 3e-4, 1e-3 }, spec.Axes[0].Values);
        Assert.Equal(new object[] { 0.0, 1.0 }, spec.Axes[1].Values);
        Assert.Equal(new object[] { 2L, 4L }, spec.Axes[3].Values);
        Assert.Equal(8, spec.Axes[0].Line);
        Assert.Equal(2L * 2 * 2 * 2 * 2 * 11 * 11, spec.Size);
    }

    [Fact]
    public void Log_range_gives_powers_of_ten_spaced_evenly_between_the_ends()
    {
        var values = SpecParser.Parse(Example).Axes.Single(a => a.ShortName == "embedding_lr").Values.Cast<double>().ToList();

        Assert.Equal(11, values.Count);
        Assert.Equal(1e-4, values[0]);
        Assert.Equal(1e-2, values[^1]);
        Assert.Equal(1e-3, values[5], 1e-15);
        for (int i = 1; i < values.Count; i++)
            Assert.Equal(Math.Pow(10, 0.2), values[i] / values[i - 1], 1e-9);
    }

    [Fact]
    public void Range_gives_evenly_spaced_values_including_both_ends()
    {
        var values = SpecParser.Parse(Example).Axes.Single(a => a.ShortName == "embedding_weight_decay").Values;

        Assert.Equal(Enumerable.Range(0, 11).Select(i => (object)(double)i), values);
    }

    [Fact]
    public void Range_over_an_integer_field_gives_integers()
    {
        var spec = SpecParser.Parse("""
            name: warmup
            grid:
              warmup_steps: { range: [0, 100], points: 5 }
            """);

        Assert.Equal(new object[] { 0L, 25L, 50L, 75L, 100L }, spec.Axes[0].Values);
    }

    [Fact]
    public void Block_style_sections_aliases_and_the_optional_settings_are_read()
    {
        var spec = SpecParser.Parse("""
            name: omnigrok_mlp
            resources: { accelerator: gpu }
            max_failures: 0
            task:
              kind: modular
              operation: x/y if y odd else x-y
              modulus: 97
              loss: mse
            model:
              kind: mlp
              alpha: 8
              norm: none
            optimizer:
              decay_toward: init
              embedding_lr: 3e-3
            training:
              batch_size: full
              dtype: float64
              stop: { val_acc: 0.99, evals: 3 }
            """);

        Assert.Equal("gpu", spec.Accelerator);
        Assert.Equal(0, spec.MaxFailures);
        Assert.Equal("x/y if y odd else x-y", spec.Base.Task.Operation);
        Assert.Equal("mse", spec.Base.Task.Loss);
        Assert.Equal(8.0, spec.Base.Model.InitScale);
        Assert.Equal("none", spec.Base.Model.Norm);
        Assert.Equal("init", spec.Base.Optimizer.DecayToward);
        Assert.Equal(3e-3, spec.Base.Optimizer.EmbeddingLr);
        Assert.Null(spec.Base.Optimizer.EmbeddingWeightDecay);
        Assert.Equal(0, spec.Base.Training.BatchSize);
        Assert.Equal("float64", spec.Base.Training.Dtype);
        Assert.Equal(0.99, spec.Base.Training.StopValAcc);
        Assert.Equal(3, spec.Base.Training.StopEvals);
        Assert.Empty(spec.Axes);
    }

    [Fact]
    public void Stop_rules_combine_and_phase_decided_can_be_a_grid_axis()
    {
        var spec = SpecParser.Parse("""
            name: stop-rules
            training:
              stop: { val_acc: 0.99, evals: 3, val_loss: 0.05, phase_decided: true, phase_evals: 2 }
            """);
        var t = spec.Base.Training;
        Assert.Equal((0.99, 3, 0.05, true, 2), (t.StopValAcc, t.StopEvals, t.StopValLoss, t.StopPhaseDecided, t.StopPhaseEvals));
        Assert.Equal(["val_acc", "val_loss", "phase_decided"], Grokking.Training.Stopping.StopRules.For(t).Select(r => r.Reason));

        var alone = SpecParser.Parse("name: stop-rules\ntraining: { stop: { phase_decided: true } }\n").Base.Training;
        Assert.Equal((null, null, true, 1), (alone.StopValAcc, alone.StopValLoss, alone.StopPhaseDecided, alone.StopPhaseEvals));

        var grid = SpecParser.Parse("name: stop-rules\ngrid:\n  phase_decided: [false, true]\n").Expand();
        Assert.Equal([false, true], grid.Select(r => r.Config.Training.StopPhaseDecided));
        Assert.Equal(SpecParser.Parse("name: stop-rules\n").Expand()[0].RunId, grid[0].RunId);
    }

    [Fact]
    public void Settings_the_spec_leaves_out_keep_the_training_defaults()
    {
        var spec = SpecParser.Parse("name: defaults\n");

        Assert.Equal(new Grokking.Training.Config.RunConfig(), spec.Base);
        Assert.Single(spec.Expand());
    }

    [Fact]
    public void Error_message_reads_source_line_field_and_problem()
    {
        var error = Assert.Throws<SpecException>(() => SpecParser.Parse("name: x\noptimizer:\n  lr: -1e-3\n", "sweep.yaml"));

        Assert.Equal("sweep.yaml:3: optimizer.lr: must be greater than 0 (got -0.001)", error.Message);
    }
}
