using System.Diagnostics;
using Grokking.Training.Config;
using Grokking.Training.Models;
using Grokking.Training.Optimization;
using Grokking.Training.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace Grokking.Bench;

/// <summary>
/// The reference for the overhead figure: the same model, initial weights, optimizer and batches as RunTrainer, and
/// per step only forward, loss, backward and the optimizer step — no metrics, evaluation, checkpoints or Parquet.
/// </summary>
public sealed class BareTrainingLoop : IDisposable
{
    // RunTrainer's purpose tag for the initialisation stream, so both paths start from the same weights.
    private const long InitPurpose = 1;

    private readonly RunConfig _config;
    private readonly TaskData _data;
    private readonly GrokModel _model;
    private readonly AdamW _optimizer;
    private readonly EpochBatches _batches;

    private BareTrainingLoop(RunConfig config)
    {
        _config = config;
        _data = TaskDataFactory.Build(config.Task, config.Seed);
        _model = ModelFactory.Build(config.Model, _data, _data.Classes);
        using (var generator = new Generator(SplitMix64.Mix(config.Seed, InitPurpose)))
            _model.Initialise(generator, config.Model.InitScale);
        var opt = config.Optimizer;
        _optimizer = new AdamW(opt, [new ParameterGroup(_model.parameters().ToList(), opt.Lr, opt.WeightDecay)]);
        long batch = config.Training.BatchSize <= 0 ? _data.TrainCount : Math.Min(config.Training.BatchSize, _data.TrainCount);
        _batches = new EpochBatches(_data.TrainInputs, _data.TrainLabels, batch, config.Seed);
        _model.train();
    }

    /// <summary>Builds everything from <paramref name="config"/> and trains <paramref name="steps"/> steps, timing both parts.</summary>
    public static BareTiming Time(RunConfig config, int steps)
    {
        var clock = Stopwatch.StartNew();
        using var loop = new BareTrainingLoop(config);
        var setup = clock.Elapsed;
        clock.Restart();
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            loop.Step();
        }
        // CPU tensors are computed synchronously, so the clock already covers all the work.
        return new BareTiming(setup, clock.Elapsed);
    }

    /// <summary>The batch loss of each of the first <paramref name="steps"/> steps (read back, so not for timing).</summary>
    public static IReadOnlyList<double> Losses(RunConfig config, int steps)
    {
        using var loop = new BareTrainingLoop(config);
        var losses = new List<double>();
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            losses.Add(loop.Step().ToDouble());
        }
        return losses;
    }

    /// <summary>One training step; returns the batch loss, owned by the caller's dispose scope.</summary>
    private Tensor Step()
    {
        var (inputs, labels) = _batches.Next();
        var logits = _model.forward(inputs);
        var loss = _config.Task.Loss == "mse"
            ? nn.functional.mse_loss(logits, nn.functional.one_hot(labels, _data.Classes).to_type(logits.dtype))
            : nn.functional.cross_entropy(logits, labels);
        _optimizer.ZeroGrad();
        loss.backward();
        _optimizer.Step();
        return loss;
    }

    public void Dispose()
    {
        _optimizer.Dispose();
        _model.Dispose();
        _data.Dispose();
    }
}
