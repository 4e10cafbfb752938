using Grokking.Training.Config;
using Grokking.Training.Tasks;

namespace Grokking.Grains.Specs;

/// <summary>Every scalar setting a spec accepts, with its rules; the single source for section keys and grid axis names.</summary>
internal static class SpecCatalog
{
    /// <summary>The run settings, in the order they are listed to users.</summary>
    public static readonly IReadOnlyList<SpecField> RunFields =
    [
        Int("seed", "seed", min: 0, int32: false, apply: (c, v) => c with { Seed = (long)v! }),

        Choice("task.kind", "task_kind", ["modular", "image", "toy", "noop"], (c, v) => c with { Task = c.Task with { Kind = (string)v! } }),
        new SpecField
        {
            Path = "task.operation", Column = "operation", Type = SpecFieldType.Choice, Choices = ModularOperations.Names,
            ChoiceNoun = "operation", Apply = (c, v) => c with { Task = c.Task with { Operation = (string)v! } },
        },
        Int("task.modulus", "modulus", min: 2, max: 1000, apply: (c, v) => c with { Task = c.Task with { Modulus = (int)(long)v! } }),
        Number("task.train_fraction", "train_fraction", min: 0, minExclusive: true, max: 1, maxExclusive: true,
            apply: (c, v) => c with { Task = c.Task with { TrainFraction = (double)v! } }),
        Choice("task.layout", "layout", ["compact", "power", "nanda"], (c, v) => c with { Task = c.Task with { Layout = (string)v! } }),
        new SpecField
        {
            Path = "task.data_dir", Column = "data_dir", Type = SpecFieldType.Text, IsPath = true,
            Apply = (c, v) => c with { Task = c.Task with { DataDir = (string)v! } },
        },
        Int("task.train_size", "train_size", min: 1, max: 10_000_000, apply: (c, v) => c with { Task = c.Task with { TrainSize = (int)(long)v! } }),
        Int("task.val_size", "val_size", min: 0, max: 10_000_000, apply: (c, v) => c with { Task = c.Task with { ValSize = (int)(long)v! } }),
        Choice("task.loss", "loss", ["ce", "mse"], (c, v) => c with { Task = c.Task with { Loss = (string)v! } }),
        Int("task.target_dim", "target_dim", min: 0, max: 10_000,
            apply: (c, v) => c with { Task = c.Task with { TargetDim = (int)(long)v! } }),
        new SpecField
        {
            Path = "task.numpy_seed", Column = "numpy_seed", Type = SpecFieldType.Integer, Min = 0, Max = uint.MaxValue, Int32 = false,
            Nullable = true, Apply = (c, v) => c with { Task = c.Task with { NumpySeed = (long?)v } },
        },
        Number("task.noop_boundary", "noop_boundary", min: 0, minExclusive: true, nullable: true,
            apply: (c, v) => c with { Task = c.Task with { NoopBoundary = (double?)v } }),
        Int("task.step_ms", "step_ms", min: 0, max: 60_000, apply: (c, v) => c with { Task = c.Task with { StepMs = (int)(long)v! } }),

        Choice("model.kind", "model_kind", ["transformer", "mlp", "toy"], (c, v) => c with { Model = c.Model with { Kind = (string)v! } }),
        Int("model.depth", "depth", min: 1, max: 1_000, apply: (c, v) => c with { Model = c.Model with { Depth = (int)(long)v! } }),
        Int("model.width", "width", min: 1, max: 65_536, apply: (c, v) => c with { Model = c.Model with { Width = (int)(long)v! } }),
        Int("model.heads", "heads", min: 1, max: 1_024, apply: (c, v) => c with { Model = c.Model with { Heads = (int)(long)v! } }),
        Int("model.ffn_width", "ffn_width", min: 0, max: 262_144, apply: (c, v) => c with { Model = c.Model with { FfnWidth = (int)(long)v! } }),
        Number("model.dropout", "dropout", min: 0, max: 1, maxExclusive: true,
            apply: (c, v) => c with { Model = c.Model with { Dropout = (double)v! } }),
        Choice("model.norm", "norm", ["pre", "post", "none"], (c, v) => c with { Model = c.Model with { Norm = (string)v! } }),
        Choice("model.position", "position", ["learned", "sinusoidal"], (c, v) => c with { Model = c.Model with { Position = (string)v! } }),
        Boolean("model.attention_bias", "attention_bias", (c, v) => c with { Model = c.Model with { AttentionBias = (bool)v! } }),
        Boolean("model.ffn_bias", "ffn_bias", (c, v) => c with { Model = c.Model with { FfnBias = (bool)v! } }),
        Boolean("model.unembed_bias", "unembed_bias", (c, v) => c with { Model = c.Model with { UnembedBias = (bool)v! } }),
        Choice("model.init", "init", ["torch", "nanda"], (c, v) => c with { Model = c.Model with { Init = (string)v! } }),
        Number("model.init_scale", "init_scale", min: 0, minExclusive: true, aliases: ["alpha"],
            apply: (c, v) => c with { Model = c.Model with { InitScale = (double)v! } }),
        Int("model.embedding_dim", "embedding_dim", min: 0, max: 65_536, apply: (c, v) => c with { Model = c.Model with { EmbeddingDim = (int)(long)v! } }),

        Choice("optimizer.name", "optimizer_name", ["adamw"], (c, v) => c with { Optimizer = c.Optimizer with { Name = (string)v! } }),
        Number("optimizer.lr", "lr", min: 0, minExclusive: true, aliases: ["decoder_lr"],
            apply: (c, v) => c with { Optimizer = c.Optimizer with { Lr = (double)v! } }),
        Number("optimizer.weight_decay", "weight_decay", min: 0, aliases: ["decoder_weight_decay"],
            apply: (c, v) => c with { Optimizer = c.Optimizer with { WeightDecay = (double)v! } }),
        Number("optimizer.beta1", "beta1", min: 0, max: 1, maxExclusive: true,
            apply: (c, v) => c with { Optimizer = c.Optimizer with { Beta1 = (double)v! } }),
        Number("optimizer.beta2", "beta2", min: 0, max: 1, maxExclusive: true,
            apply: (c, v) => c with { Optimizer = c.Optimizer with { Beta2 = (double)v! } }),
        Number("optimizer.eps", "eps", min: 0, minExclusive: true, apply: (c, v) => c with { Optimizer = c.Optimizer with { Eps = (double)v! } }),
        Int("optimizer.warmup_steps", "warmup_steps", min: 0, max: 1_000_000_000,
            apply: (c, v) => c with { Optimizer = c.Optimizer with { WarmupSteps = (int)(long)v! } }),
        Choice("optimizer.decay_toward", "decay_toward", ["origin", "init"],
            (c, v) => c with { Optimizer = c.Optimizer with { DecayToward = (string)v! } }),
        Number("optimizer.embedding_lr", "embedding_lr", min: 0, minExclusive: true, nullable: true,
            apply: (c, v) => c with { Optimizer = c.Optimizer with { EmbeddingLr = (double?)v } }),
        Number("optimizer.embedding_weight_decay", "embedding_weight_decay", min: 0, nullable: true,
            apply: (c, v) => c with { Optimizer = c.Optimizer with { EmbeddingWeightDecay = (double?)v } }),

        Int("training.steps", "steps", min: 1, max: 1_000_000_000, apply: (c, v) => c with { Training = c.Training with { Steps = (int)(long)v! } }),
        new SpecField
        {
            Path = "training.batch_size", Column = "batch_size", Type = SpecFieldType.Integer, Min = 1, Max = 16_777_216,
            Words = new Dictionary<string, long> { ["full"] = TrainingConfig.FullBatch, ["power"] = TrainingConfig.PowerBatch },
            Apply = (c, v) => c with { Training = c.Training with { BatchSize = (int)(long)v! } },
        },
        Int("training.eval_every", "eval_every", min: 1, apply: (c, v) => c with { Training = c.Training with { EvalEvery = (int)(long)v! } }),
        Int("training.rank_every", "rank_every", min: 0, apply: (c, v) => c with { Training = c.Training with { RankEvery = (int)(long)v! } }),
        Int("training.checkpoint_every", "checkpoint_every", min: 1,
            apply: (c, v) => c with { Training = c.Training with { CheckpointEvery = (int)(long)v! } }),
        Choice("training.dtype", "dtype", ["float32", "float64"], (c, v) => c with { Training = c.Training with { Dtype = (string)v! } }),
        Choice("training.loss_precision", "loss_precision", ["float32", "float64"],
            (c, v) => c with { Training = c.Training with { LossPrecision = (string)v! } }),
        Number("training.val_loss_level", "val_loss_level", min: 0, minExclusive: true,
            apply: (c, v) => c with { Training = c.Training with { ValLossLevel = (double)v! } }),
        Int("training.probe_size", "probe_size", min: 1, max: 65_536, apply: (c, v) => c with { Training = c.Training with { ProbeSize = (int)(long)v! } }),
        Number("training.phase_threshold", "phase_threshold", min: 0, minExclusive: true, max: 1,
            apply: (c, v) => c with { Training = c.Training with { PhaseThreshold = (double)v! } }),
        new SpecField
        {
            Path = "training.keep_final_checkpoint", Column = "keep_final_checkpoint", Type = SpecFieldType.Boolean,
            Apply = (c, v) => c with { Training = c.Training with { KeepFinalCheckpoint = (bool)v! } },
        },
        Int("training.phase_gap", "phase_gap", min: 0, apply: (c, v) => c with { Training = c.Training with { PhaseGap = (int)(long)v! } }),
        Number("training.stop.val_acc", "stop_val_acc", min: 0, minExclusive: true, max: 1, nullable: true,
            apply: (c, v) => c with { Training = c.Training with { StopValAcc = (double?)v } }),
        Number("training.stop.val_loss", "stop_val_loss", min: 0, minExclusive: true, nullable: true,
            apply: (c, v) => c with { Training = c.Training with { StopValLoss = (double?)v } }),
        Int("training.stop.evals", "stop_evals", min: 1, apply: (c, v) => c with { Training = c.Training with { StopEvals = (int)(long)v! } }),
        Boolean("training.stop.phase_decided", "stop_phase_decided",
            (c, v) => c with { Training = c.Training with { StopPhaseDecided = (bool)v! } }),
        Int("training.stop.phase_evals", "stop_phase_evals", min: 1,
            apply: (c, v) => c with { Training = c.Training with { StopPhaseEvals = (int)(long)v! } }),
    ];

    /// <summary>resources.accelerator: where the sweep's runs may be placed.</summary>
    public static readonly SpecField Accelerator = new()
    {
        Path = "resources.accelerator", Column = "accelerator", Type = SpecFieldType.Choice, Choices = ["cpu", "gpu", "any"],
    };

    /// <summary>max_failures: failed runs tolerated before the sweep stops dispatching.</summary>
    public static readonly SpecField MaxFailures = new()
    {
        Path = "max_failures", Column = "max_failures", Type = SpecFieldType.Integer, Min = 0, Max = 1_000,
    };

    /// <summary>Run fields by canonical path.</summary>
    public static readonly IReadOnlyDictionary<string, SpecField> ByPath = RunFields.ToDictionary(f => f.Path, StringComparer.Ordinal);

    /// <summary>Grid axis names (column, unique leaf key, alias, path) to their field.</summary>
    public static readonly IReadOnlyDictionary<string, SpecField> ByAxisName = AxisNames();

    /// <summary>Leaf keys shared by several fields (kind), which a grid must spell as a path.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<SpecField>> AmbiguousLeaves = RunFields
        .GroupBy(f => f.Key).Where(g => g.Count() > 1)
        .ToDictionary(g => g.Key, g => (IReadOnlyList<SpecField>)g.ToList(), StringComparer.Ordinal);

    /// <summary>The fields whose YAML key is <paramref name="key"/> inside section <paramref name="section"/>.</summary>
    public static IReadOnlyDictionary<string, SpecField> Section(string section) => RunFields
        .Where(f => f.Path.StartsWith(section + ".", StringComparison.Ordinal) && f.Path.IndexOf('.', section.Length + 1) < 0)
        .ToDictionary(f => f.Key, StringComparer.Ordinal);

    private static Dictionary<string, SpecField> AxisNames()
    {
        var names = new Dictionary<string, SpecField>(StringComparer.Ordinal);
        foreach (var field in RunFields)
        {
            names[field.Path] = field;
            names[field.Column] = field;
            foreach (var alias in field.Aliases)
            {
                names[alias] = field;
                names[field.Path[..(field.Path.LastIndexOf('.') + 1)] + alias] = field;
            }
        }
        foreach (var group in RunFields.GroupBy(f => f.Key).Where(g => g.Count() == 1))
            names.TryAdd(group.Key, group.Single());
        return names;
    }

    private static SpecField Int(string path, string column, double? min = null, double? max = null, bool int32 = true,
        Func<RunConfig, object?, RunConfig>? apply = null) =>
        new() { Path = path, Column = column, Type = SpecFieldType.Integer, Min = min, Max = max, Int32 = int32, Apply = apply };

    private static SpecField Number(string path, string column, double? min = null, bool minExclusive = false, double? max = null,
        bool maxExclusive = false, bool nullable = false, IReadOnlyList<string>? aliases = null,
        Func<RunConfig, object?, RunConfig>? apply = null) =>
        new()
        {
            Path = path, Column = column, Type = SpecFieldType.Number, Min = min, MinExclusive = minExclusive, Max = max,
            MaxExclusive = maxExclusive, Nullable = nullable, Aliases = aliases ?? [], Apply = apply,
        };

    private static SpecField Boolean(string path, string column, Func<RunConfig, object?, RunConfig> apply) =>
        new() { Path = path, Column = column, Type = SpecFieldType.Boolean, Apply = apply };

    private static SpecField Choice(string path, string column, IReadOnlyList<string> choices, Func<RunConfig, object?, RunConfig> apply) =>
        new() { Path = path, Column = column, Type = SpecFieldType.Choice, Choices = choices, Apply = apply };
}
