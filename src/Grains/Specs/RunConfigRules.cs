using Grokking.Training.Config;
using Grokking.Training.Runs;
using Grokking.Training.Tasks;

namespace Grokking.Grains.Specs;

/// <summary>The rules that tie fields together (model fits task, heads divide width, data exists); single fields are checked by <see cref="SpecField"/>.</summary>
internal sealed class RunConfigRules(long? memoryPerRun = null, string memorySource = "")
{
    // A grid may repeat one data folder for every point; read each folder's headers once.
    private readonly Dictionary<string, DataFolder> folders = new(StringComparer.Ordinal);

    /// <summary>The first rule the config breaks, or null.</summary>
    public RuleViolation? Check(RunConfig config)
    {
        var task = config.Task;
        var model = config.Model;

        if (task.Kind == "image" && model.Kind != "mlp")
            return new("model.kind", ["task.kind"], $"the image task needs the mlp model (got {model.Kind})");

        if (model.Kind != "transformer" && model.Dropout > 0)
            return new("model.dropout", ["model.kind"],
                $"the {model.Kind} model has no dropout (only the transformer drops, on its feed-forward output); leave it at 0 (got {model.Dropout})");

        if (task.Kind == "modular" && task.Layout == "power" && model.Kind != "transformer")
            return new("task.layout", ["model.kind"],
                $"layout power feeds the answer token too and relies on a causal mask, so it needs the transformer (got model {model.Kind}); use compact or nanda");

        if (config.Training.LossPrecision == "float64" && task.Loss == "mse")
            return new("training.loss_precision", ["task.loss"], "float64 applies to the cross-entropy's log-softmax; with loss mse leave it at float32");

        if (model.Kind == "transformer" && model.Width % model.Heads != 0)
            return new("model.heads", ["model.width", "model.kind"],
                $"must divide model.width for a transformer (heads {model.Heads}, width {model.Width})");

        if (task.Kind == "modular" && ModularOperations.NeedsPrimeModulus(task.Operation) && !ModularOperations.IsPrime(task.Modulus))
            return new("task.modulus", ["task.operation", "task.kind"],
                $"operation '{task.Operation}' divides, so the modulus must be prime (got {task.Modulus})");

        if (task.TargetDim > 0 && task.Loss != "mse")
            return new("task.target_dim", ["task.loss"],
                $"random target vectors need loss mse; with loss {task.Loss} leave target_dim at 0 (got {task.TargetDim})");

        if (task.NoopBoundary is not null && task.Kind != "noop")
            return new("task.noop_boundary", ["task.kind"], "applies to task kind 'noop' only (a test boundary for searches)");
        if (task.NumpySeed is not null && (task.Kind != "toy" || (task.Loss == "mse" && task.TargetDim == 0)))
            return new("task.numpy_seed", ["task.kind", "task.loss", "task.target_dim"],
                "draws the data as Liu et al.'s train_add.py does, so it needs the toy task with loss ce or mse with target_dim > 0");

        if (config.Training.StopPhaseEvals != 1 && !config.Training.StopPhaseDecided)
            return new("training.stop.phase_evals", ["training.stop.phase_decided"],
                $"counts evaluations after the phase is decided, so it needs phase_decided: true (got phase_evals {config.Training.StopPhaseEvals} without it)");

        if (task.Kind == "toy" && task.Modulus > 100)
            return new("task.modulus", ["task.kind"], $"the toy task takes at most 100 symbols (got {task.Modulus})");

        if (task.Kind == "image")
        {
            var folder = Inspect(task.DataDir);
            if (folder.Problem is { } problem) return new("task.data_dir", ["task.kind"], problem);
            if (task.TrainSize > folder.TrainCount)
                return new("task.train_size", ["task.data_dir", "task.kind"],
                    $"must not exceed the {folder.TrainCount} images in {folder.TrainFile} (got {task.TrainSize})");
            if (task.ValSize > folder.TestCount)
                return new("task.val_size", ["task.data_dir", "task.kind"],
                    $"must not exceed the {folder.TestCount} images in {folder.TestFile} (got {task.ValSize})");
        }

        if (memoryPerRun is { } budget && MemoryEstimate.For(config) is var estimate && estimate.TotalBytes > budget)
            return new("model.width",
                ["model.depth", "model.embedding_dim", "model.ffn_width", "training.batch_size", "task.train_size", "task.val_size", "task.modulus", "training.dtype"],
                $"the run needs about {MemoryEstimate.Describe(estimate.TotalBytes)} ({estimate.Parameters:N0} parameters with gradients and optimizer state "
                + $"{MemoryEstimate.Describe(estimate.ParameterBytes)}, activations {MemoryEstimate.Describe(estimate.ActivationBytes)}, data "
                + $"{MemoryEstimate.Describe(estimate.DataBytes)}) but one run may use {MemoryEstimate.Describe(budget)} here ({memorySource}); "
                + "make the model or the batch smaller, or raise the budget");
        return null;
    }

    private DataFolder Inspect(string dataDir)
    {
        if (!folders.TryGetValue(dataDir, out var folder))
        {
            folder = DataFolder.Inspect(dataDir);
            folders[dataDir] = folder;
        }
        return folder;
    }
}
