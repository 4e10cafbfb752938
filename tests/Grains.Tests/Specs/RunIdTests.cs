using Grokking.Grains.Specs;
using Grokking.Training.Config;

namespace Grokking.Grains.Tests.Specs;

public sealed class RunIdTests
{
    [Fact]
    public void Canonical_text_lists_fields_by_sorted_snake_case_path_with_round_trip_numbers_and_explicit_nulls()
    {
        var text = RunId.CanonicalText(new RunConfig { Optimizer = new OptimizerConfig { Lr = 0.1 + 0.2 } });
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();

        Assert.Contains("optimizer.lr=0.30000000000000004", lines);
        Assert.Contains("optimizer.embedding_lr=null", lines);
        Assert.Contains("task.operation=\"x+y\"", lines);
        Assert.Contains("model.attention_bias=true", lines);
        Assert.Contains("seed=0", lines);
        Assert.Equal(lines.OrderBy(l => l[..l.IndexOf('=')], StringComparer.Ordinal), lines);
    }

    [Fact]
    public void Run_id_starts_with_a_letter_so_hive_readers_never_autocast_it_to_a_number()
    {
        var id = RunId.For(new RunConfig());
        Assert.Matches("^r[0-9a-f]{16}$", id);
    }

    [Fact]
    public void Canonical_text_covers_every_field_of_every_config_record()
    {
        // Every field is a line once set; the settings added after the form was fixed are left out at their defaults.
        var set = new RunConfig
        {
            Task = new TaskConfig { NumpySeed = 58, NoopBoundary = 0.05 },
            Training = new TrainingConfig { StopPhaseDecided = true, StopPhaseEvals = 2 },
        };
        var lines = RunId.CanonicalText(set).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1;
        int fields = new[] { typeof(TaskConfig), typeof(ModelConfig), typeof(OptimizerConfig), typeof(TrainingConfig) }
            .Sum(t => t.GetProperties().Length) + 1;

        Assert.Equal(fields, lines);
        Assert.Contains("task.numpy_seed=58", RunId.CanonicalText(set));
        Assert.Contains("training.stop_phase_decided=true", RunId.CanonicalText(set));
        Assert.Contains("training.stop_phase_evals=2", RunId.CanonicalText(set));
        Assert.DoesNotContain("numpy_seed", RunId.CanonicalText(new RunConfig()));
        Assert.DoesNotContain("noop_boundary", RunId.CanonicalText(new RunConfig()));
        Assert.DoesNotContain("phase_decided", RunId.CanonicalText(new RunConfig()));
        Assert.DoesNotContain("phase_evals", RunId.CanonicalText(new RunConfig()));
    }

    [Fact]
    public void Phase_decided_left_at_its_defaults_keeps_existing_ids_and_set_gives_new_ones()
    {
        // The golden id of An_unset_setting_added_later_leaves_existing_ids_unchanged, with the new keys written at their defaults.
        var spec = SpecParser.Parse("name: defaults\ntask: { kind: modular }\ntraining: { stop: { val_acc: 0.99, phase_decided: false } }\n");
        var without = SpecParser.Parse("name: defaults\ntask: { kind: modular }\ntraining: { stop: { val_acc: 0.99 } }\n");
        Assert.Equal(without.Expand()[0].RunId, spec.Expand()[0].RunId);
        Assert.Equal("r39ccbd546a18ff2f", RunId.For(spec.Base with { Training = spec.Base.Training with { StopValAcc = null } }));

        var config = new RunConfig();
        string[] ids =
        [
            RunId.For(config),
            RunId.For(config with { Training = config.Training with { StopPhaseDecided = true } }),
            RunId.For(config with { Training = config.Training with { StopPhaseDecided = true, StopPhaseEvals = 3 } }),
        ];
        Assert.Equal(ids.Length, ids.Distinct().Count());
    }

    [Fact]
    public void An_unset_setting_added_later_leaves_existing_ids_unchanged()
    {
        // r39ccbd546a18ff2f: what `grokking train` printed for this spec on the build before task.numpy_seed existed.
        var spec = SpecParser.Parse("name: defaults\ntask: { kind: modular }\n");
        Assert.Equal("r39ccbd546a18ff2f", spec.Expand()[0].RunId);
        Assert.NotEqual(RunId.For(new RunConfig()), RunId.For(new RunConfig { Task = new TaskConfig { NumpySeed = 58 } }));
    }

    [Fact]
    public void Modular_and_toy_run_ids_are_unchanged_by_the_image_data_identity()
    {
        // What the build before image ids hashed the data's content gave for these specs; only image ids changed.
        var modular = SpecParser.Parse("name: modular\ntask: { kind: modular, operation: \"x-y\", modulus: 31, train_fraction: 0.6 }\n"
            + "model: { kind: mlp, depth: 2, width: 128 }\noptimizer: { lr: 3e-3 }\ngrid:\n  weight_decay: [1.0, 0.0]\n");
        var toy = SpecParser.Parse("name: toy\ntask: { kind: toy, loss: mse, target_dim: 30 }\nmodel: { kind: toy }\noptimizer: { lr: 1e-3 }\n");

        Assert.Equal(["re9e6fd5c4529d687", "r0c5ab0675fff194d"], modular.Expand().Select(r => r.RunId));
        Assert.Equal("r25747b7175b452f6", toy.Expand()[0].RunId);
        Assert.Contains("task.data_dir=\"/usr/share/datasets/fashion-mnist\"", RunId.CanonicalText(toy.Base));
    }

    [Fact]
    public void Changing_any_single_field_changes_the_id()
    {
        var config = new RunConfig();
        RunConfig[] variants =
        [
            config with { Seed = 1 },
            config with { Task = config.Task with { DataDir = "/elsewhere" } },
            config with { Model = config.Model with { InitScale = 1.0000000000000002 } },
            config with { Optimizer = config.Optimizer with { EmbeddingLr = 1e-3 } },
            config with { Training = config.Training with { StopValAcc = 0.99 } },
            config with { Training = config.Training with { StopEvals = 6 } },
        ];

        var ids = variants.Select(RunId.For).Append(RunId.For(config)).ToList();

        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void Equal_configs_built_separately_get_the_same_id()
    {
        var a = new RunConfig { Model = new ModelConfig { Width = 64 } };
        var b = new RunConfig() with { Model = new ModelConfig() with { Width = 64 } };

        Assert.Equal(RunId.For(a), RunId.For(b));
    }
}
