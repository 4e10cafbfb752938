using System.Diagnostics;
using Grokking.Training.Config;
using Grokking.Training.Models;
using Grokking.Training.Optimization;
using Grokking.Training.Tasks;
using static TorchSharp.torch;

namespace Grokking.Bench;

/// <summary>
/// The reference for the overhead figure: the same model, optimizer and batches as RunTrainer, and per step only
/// forward, loss, backward and the optimizer step — no metrics, evaluation, checkpoints or Parquet.
/// </summary>
public static class BareTrainingLoop
{
    // RunTrainer's purpose tag for the initialisation stream, so both paths start from the same weights.
    private const long InitPurpose = 1;

    /// <summary>Builds everything from <paramref name="config"/> and trains <paramref name="steps"/> steps.</summary>
    public static BareTiming Run(RunConfig config, int steps)
    {
        var clock = Stopwatch.StartNew();
        using var data = TaskDataFactory.Build(config.Task, config.Seed);
        using var model = ModelFactory.Build(config.Model, data);
        using (var generator = new Generator(SplitMix64.Mix(config.Seed, InitPurpose)))
            model.Initialise(generator, config.Model.InitScale);
        var opt = config.Optimizer;
        using var optimizer = new AdamW(opt, [new ParameterGroup(model.parameters().ToList(), opt.Lr, opt.WeightDecay)]);
        long batch = config.Training.BatchSize <= 0 ? data.TrainCount : Math.Min(config.Training.BatchSize, data.TrainCount);
        var batches = new EpochBatches(data.TrainInputs, data.TrainLabels, batch, config.Seed);
        var setup = clock.Elapsed;

        clock.Restart();
        model.train();
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            var (inputs, labels) = batches.Next();
            var logits = model.forward(inputs);
            var loss = Loss(config.Task.Loss, logits, labels, data.Classes);
            optimizer.ZeroGrad();
            loss.backward();
            optimizer.Step();
        }
        // CPU tensors are computed synchronously, so the clock already covers all the work.
        return new BareTiming(setup, clock.Elapsed);
    }

    private static Tensor Loss(string kind, Tensor logits, Tensor labels, int classes) => kind == "mse"
        ? nn.functional.mse_loss(logits, nn.functional.one_hot(labels, classes).to_type(logits.dtype))
        : nn.functional.cross_entropy(logits, labels);
}
