using System.Diagnostics;
using Grokking.Training.Config;
using Grokking.Training.Models;
using Grokking.Training.Optimization;
using Grokking.Training.Runs;
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

    private readonly TaskData _data;
    private readonly Tensor? _targets;
    private readonly GrokModel _model;
    private readonly AdamW _optimizer;
    private readonly EpochBatches _batches;
    private readonly bool _float64Loss;

    private BareTrainingLoop(RunConfig config)
    {
        _data = TaskDataFactory.Build(config.Task, config.Seed);
        // The same targets, output width and parameter groups as RunTrainer; only the per-step extras are left out.
        if (config.Task.Loss == "mse")
            _targets = RegressionTargets.For(_data.Classes, config.Task.TargetDim, config.Seed, ScalarType.Float32);
        _model = ModelFactory.Build(config.Model, _data, (int)(_targets?.shape[1] ?? _data.Classes));
        using (var generator = new Generator(SplitMix64.Mix(config.Seed, InitPurpose)))
            _model.Initialise(generator, config.Model.InitScale);
        _optimizer = new AdamW(config.Optimizer, ParameterGroup.Split(_model, config.Optimizer));
        long batch = config.Training.BatchFor(_data.TrainCount);
        _float64Loss = config.Training.LossPrecision == "float64";
        _batches = new EpochBatches(_data.TrainInputs, _data.TrainLabels, batch, config.Seed);
        _model.train();
    }

    /// <summary>
    /// Builds everything from <paramref name="config"/> and trains <paramref name="steps"/> steps, timing both parts,
    /// on a thread of its own as RunExecutor.ExecuteAsync trains (a long-running task): the thread matters (glibc gives each thread its own malloc arena),
    /// so the reference differs from the executor only in the machinery.
    /// </summary>
    public static BareTiming Time(RunConfig config, int steps) =>
        Task.Factory.StartNew(() => TimeHere(config, steps), CancellationToken.None, TaskCreationOptions.LongRunning,
            TaskScheduler.Default).GetAwaiter().GetResult();

    private static BareTiming TimeHere(RunConfig config, int steps)
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
        var loss = TrainingLoss.Of(logits, labels, _targets, _float64Loss);
        _optimizer.ZeroGrad();
        loss.backward();
        _optimizer.Step();
        return loss;
    }

    public void Dispose()
    {
        _optimizer.Dispose();
        _targets?.Dispose();
        _model.Dispose();
        _data.Dispose();
    }
}
