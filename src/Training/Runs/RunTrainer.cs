using System.Diagnostics;
using Grokking.Training.Checkpoints;
using Grokking.Training.Config;
using Grokking.Training.Metrics;
using Grokking.Training.Models;
using Grokking.Training.Optimization;
using Grokking.Training.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace Grokking.Training.Runs;

/// <summary>
/// One training run: data, model, optimizer and the step loop with its measurements. Every source of
/// randomness is owned by the run and stored in its checkpoint, so a resumed run repeats an uninterrupted
/// one bit for bit. Not thread-safe: one thread drives a run.
/// </summary>
public sealed class RunTrainer : IRunTrainer
{
    private const long InitPurpose = 1, DropoutPurpose = 2, DataOrderPurpose = 3, ProbePurpose = 4;
    // Large chunks are slower per example on CPU (attention and softmax temporaries fall out of cache).
    private const int EvalChunk = 1024;

    private readonly RunConfig _config;
    private readonly Device _device;
    private readonly TaskData _data;
    private readonly Tensor _trainInputs, _trainLabels, _valInputs, _valLabels, _probe;
    // MSE only: each class's target row [classes, outputs]; for random targets also half their squared norms, for
    // nearest-target prediction (with one-hot targets the nearest is the largest output).
    private readonly Tensor? _targets, _targetHalfNorms;
    private readonly GrokModel _model;
    private readonly AdamW _optimizer;
    private readonly Generator _initGenerator, _dropoutGenerator;
    private readonly OutcomeTracker _tracker;
    private readonly long _batchSize;
    private readonly bool _float64Loss;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private double _wallTimeBefore;
    private readonly BatchOrder _batches;

    private RunTrainer(RunConfig config, Device? device)
    {
        TorchRuntime.Initialise();
        _config = config;
        _device = device ?? TorchRuntime.DefaultDevice;
        var dtype = config.Training.Dtype == "float64" ? ScalarType.Float64 : ScalarType.Float32;
        _data = TaskDataFactory.Build(config.Task, config.Seed);
        _trainInputs = ToDevice(_data.TrainInputs, dtype);
        _trainLabels = _data.TrainLabels.to(_device);
        _valInputs = ToDevice(_data.ValInputs, dtype);
        _valLabels = _data.ValLabels.to(_device);
        // Feature rank's probe: validation inputs drawn uniformly (seeded), not the first rows, which for modular
        // tasks are the equations with the smallest x.
        using (var probeRows = tensor(ProbeRows(config, _data.ValCount), device: _device))
            _probe = _valInputs.index_select(0, probeRows);
        _batchSize = config.Training.BatchFor(_data.TrainCount);
        _float64Loss = config.Training.LossPrecision == "float64";
        _batches = new BatchOrder(_data.TrainCount, _batchSize, SplitMix64.Mix(config.Seed, DataOrderPurpose));

        _initGenerator = new Generator(SplitMix64.Mix(config.Seed, InitPurpose));
        _dropoutGenerator = new Generator(SplitMix64.Mix(config.Seed, DropoutPurpose), _device);
        if (config.Task.Loss == "mse")
        {
            _targets = (_data.Targets is { } drawn
                ? tensor(drawn, ScalarType.Float64).to_type(dtype)
                : RegressionTargets.For(_data.Classes, config.Task.TargetDim, config.Seed, dtype)).to(_device);
            if (config.Task.TargetDim > 0)
            {
                using var half = 0.5.ToScalar(); // held until the op returned (see Scalars)
                _targetHalfNorms = _targets.mul(_targets).sum(1).mul_(half);
            }
        }
        _model = ModelFactory.Build(config.Model, _data, outputs: (int)(_targets?.shape[1] ?? _data.Classes));
        _model.to(dtype);
        _model.Initialise(_initGenerator, config.Model.InitScale);
        _model.to(_device);
        _model.DropoutGenerator = _dropoutGenerator;

        _optimizer = new AdamW(config.Optimizer, ParameterGroup.Split(_model, config.Optimizer));
        _tracker = new OutcomeTracker(config.Training);
    }

    /// <summary>The validation rows of feature rank's probe: <c>probe_size</c> drawn uniformly by the run's seed, ascending.</summary>
    public static long[] ProbeRows(RunConfig config, long validationCount) =>
        TaskData.Sample(validationCount, config.Training.ProbeSize, SplitMix64.Mix(config.Seed, ProbePurpose));

    /// <summary>A fresh run at step 0.</summary>
    public static RunTrainer Create(RunConfig config, Device? device = null) => new(config, device);

    /// <summary>A run restored from a checkpoint blob written by <see cref="SaveCheckpoint"/> for the same configuration.</summary>
    public static RunTrainer Resume(RunConfig config, ReadOnlyMemory<byte> checkpoint, Device? device = null)
    {
        var payload = CheckpointEnvelope.Open(checkpoint, out int version);
        var trainer = new RunTrainer(config, device);
        try
        {
            trainer.Load(payload, version);
        }
        catch
        {
            trainer.Dispose();
            throw;
        }
        return trainer;
    }

    /// <summary>Steps completed.</summary>
    public long Step { get; private set; }

    /// <summary>True once the step budget is spent, a stopping rule fired or the loss diverged.</summary>
    public bool IsFinished => Step >= _config.Training.Steps || _tracker.ShouldStop;

    /// <summary>The measured layers, in depth order (the layer index in <see cref="LayerMetrics"/>).</summary>
    public IReadOnlyList<string> LayerNames => _model.LayerNames;

    /// <summary>Training examples, validation examples and parameters.</summary>
    public (long Train, long Val, long Parameters) Sizes =>
        (_data.TrainCount, _data.ValCount, _model.parameters().Sum(p => p.numel()));

    /// <summary>Seconds of training so far, across every attempt of the run.</summary>
    public double WallTimeS => _wallTimeBefore + _clock.Elapsed.TotalSeconds;

    /// <summary>The outcome as far as the run has got.</summary>
    public RunOutcome Outcome => _tracker.Outcome(Step, WallTimeS);

    /// <summary>Latest full-evaluation train and validation accuracy (NaN before the first evaluation).</summary>
    public (double TrainAcc, double ValAcc) LatestAccuracy => (_tracker.LastTrainAcc, _tracker.LastValAcc);

    /// <summary>
    /// Trains until <paramref name="untilStep"/> (or the end of the run), appending one row per step and one
    /// per measured layer at rank steps. Cancellation is honoured at step boundaries.
    /// </summary>
    public void TrainUntil(long untilStep, ICollection<StepMetrics> steps, ICollection<LayerMetrics> layers,
        CancellationToken cancellation = default)
    {
        long end = Math.Min(untilStep, _config.Training.Steps);
        while (Step < end && !_tracker.ShouldStop && !cancellation.IsCancellationRequested)
            steps.Add(TrainStep(layers));
    }

    private StepMetrics TrainStep(ICollection<LayerMetrics> layers)
    {
        long step = Step + 1;
        double batchLoss, batchAcc;
        using (var scope = NewDisposeScope())
        {
            _model.train();
            var (inputs, labels) = NextBatch();
            var logits = _model.forward(inputs);
            var loss = Loss(logits, labels);
            _optimizer.ZeroGrad();
            loss.backward();
            _optimizer.Step();
            batchLoss = loss.ToDouble();
            batchAcc = TrainingLoss.Correct(Predict(logits), labels).to_type(ScalarType.Float64).mean().item<double>();
        }
        Step = step;
        if (!double.IsFinite(batchLoss))
        {
            // Diverged: the weights are NaN or infinite from here on. Stop at once; nothing later would mean anything.
            _tracker.Diverge(step);
            return new StepMetrics(step, batchLoss, batchAcc, _optimizer.LearningRateAt(step), WallTimeS);
        }

        var t = _config.Training;
        var row = new StepMetrics(step, batchLoss, batchAcc, _optimizer.LearningRateAt(step), WallTimeS);
        bool last = step >= t.Steps;
        if (step == 1 || step % t.EvalEvery == 0 || last)
        {
            var (trainLoss, trainAcc) = Evaluate(_trainInputs, _trainLabels);
            var (valLoss, valAcc) = Evaluate(_valInputs, _valLabels);
            _tracker.Observe(step, trainLoss, trainAcc, valLoss, valAcc);
            row = row with
            {
                EvalTrainLoss = trainLoss, EvalTrainAcc = trainAcc, ValLoss = valLoss, ValAcc = valAcc,
                WeightNorm = WeightNorm(_model.parameters()),
            };
            last |= _tracker.ShouldStop;
        }
        if (t.RankEvery > 0 && (step == 1 || step % t.RankEvery == 0 || last))
        {
            row = row with { Rqi = MeasureLayers(step, layers) };
        }
        return row;
    }

    private (Tensor Inputs, Tensor Labels) NextBatch()
    {
        if (_batchSize == _data.TrainCount) return (_trainInputs, _trainLabels);
        var index = tensor(_batches.Next(), device: _device);
        return (_trainInputs.index_select(0, index), _trainLabels.index_select(0, index));
    }

    private Tensor Loss(Tensor outputs, Tensor labels) => TrainingLoss.Of(outputs, labels, _targets, _float64Loss);

    /// <summary>The predicted class: the largest output, or for random targets the nearest (the largest o.t - |t|^2/2).</summary>
    private Tensor Predict(Tensor outputs) => _targetHalfNorms is null
        ? outputs.argmax(-1)
        : outputs.matmul(_targets!.t()).sub_(_targetHalfNorms).argmax(1);

    private (double Loss, double Accuracy) Evaluate(Tensor inputs, Tensor labels)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        _model.eval();
        long n = labels.shape[0];
        double lossSum = 0, correct = 0;
        for (long start = 0; start < n; start += EvalChunk)
        {
            long count = Math.Min(EvalChunk, n - start);
            var x = inputs.narrow(0, start, count);
            var y = labels.narrow(0, start, count);
            var logits = _model.forward(x);
            lossSum += Loss(logits, y).ToDouble() * count;
            correct += TrainingLoss.Correct(Predict(logits), y).sum().item<long>();
        }
        return (lossSum / n, correct / n);
    }

    private double? MeasureLayers(long step, ICollection<LayerMetrics> layers)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        _model.eval();
        var preActivations = new List<Tensor>();
        _model.Forward(_probe, preActivations);
        var layerParameters = _model.LayerParameters;
        for (int i = 0; i < preActivations.Count; i++)
        {
            layers.Add(new LayerMetrics(step, i, _model.LayerNames[i], FeatureRank.Of(preActivations[i]),
                WeightNorm(layerParameters[i])));
        }
        var numbers = _data.Numbers;
        return numbers.ParallelogramModulus is { } modulus && _model.TokenEmbeddings is { } embeddings
            ? RepresentationQuality.Of(embeddings.narrow(0, numbers.First, numbers.Count), modulus)
            : null;
    }

    private static double WeightNorm(IEnumerable<Tensor> parameters)
    {
        using var scope = NewDisposeScope();
        // x * x, not square() or pow(2): TorchSharp implements those with a temporary Scalar (see Scalars).
        var squares = parameters.Select(p =>
        {
            var x = p.detach().to_type(ScalarType.Float64);
            return x.mul(x).sum();
        }).ToArray();
        return Math.Sqrt(stack(squares).sum().item<double>());
    }

    private Tensor ToDevice(Tensor t, ScalarType dtype) =>
        (t.dtype == ScalarType.Float32 ? t.to_type(dtype) : t).to(_device);

    /// <summary>Everything needed to continue this run exactly: model, optimizer, step, RNG states, outcome so far.</summary>
    public byte[] SaveCheckpoint()
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer))
        {
            w.Write(Step);
            w.Write(WallTimeS);
            w.Write(_batches.Epoch);
            w.Write(_batches.Position);
            w.Write(_batches.Started);
            _tracker.Save(w);
            TensorCodec.Write(w, _initGenerator.get_state());
            TensorCodec.Write(w, _dropoutGenerator.get_state());
            var named = _model.named_parameters().ToList();
            w.Write(named.Count);
            foreach (var (name, p) in named)
            {
                w.Write(name);
                TensorCodec.Write(w, p);
            }
            w.Write(_optimizer.StepCount);
            for (int i = 0; i < _optimizer.FirstMoments.Count; i++)
            {
                TensorCodec.Write(w, _optimizer.FirstMoments[i]);
                TensorCodec.Write(w, _optimizer.SecondMoments[i]);
                w.Write(_optimizer.Anchors[i] is not null);
                if (_optimizer.Anchors[i] is { } anchor) TensorCodec.Write(w, anchor);
            }
        }
        return CheckpointEnvelope.Seal(buffer.ToArray());
    }

    private void Load(ReadOnlyMemory<byte> payload, int formatVersion)
    {
        using var r = new BinaryReader(new MemoryStream(payload.ToArray()));
        Step = r.ReadInt64();
        _wallTimeBefore = r.ReadDouble();
        _clock.Restart();
        _batches.Restore(epoch: r.ReadInt64(), position: r.ReadInt64(), started: r.ReadBoolean());
        _tracker.Restore(r, formatVersion);
        using (var state = TensorCodec.Read(r)) _initGenerator.set_state(state);
        using (var state = TensorCodec.Read(r)) _dropoutGenerator.set_state(state);
        var named = _model.named_parameters().ToList();
        int count = r.ReadInt32();
        if (count != named.Count)
            throw new InvalidDataException($"Checkpoint holds {count} parameters, the model has {named.Count}: it belongs to a different configuration.");
        foreach (var (name, p) in named)
        {
            var stored = r.ReadString();
            if (stored != name)
                throw new InvalidDataException($"Checkpoint parameter '{stored}' where the model has '{name}': it belongs to a different configuration.");
            TensorCodec.ReadInto(r, p, name);
        }
        _optimizer.StepCount = r.ReadInt64();
        for (int i = 0; i < _optimizer.FirstMoments.Count; i++)
        {
            TensorCodec.ReadInto(r, _optimizer.FirstMoments[i], $"adam.m[{i}]");
            TensorCodec.ReadInto(r, _optimizer.SecondMoments[i], $"adam.v[{i}]");
            bool hasAnchor = r.ReadBoolean();
            if (hasAnchor != _optimizer.Anchors[i] is not null)
                throw new InvalidDataException("Checkpoint and configuration disagree on decay_toward.");
            if (_optimizer.Anchors[i] is { } anchor) TensorCodec.ReadInto(r, anchor, $"adam.anchor[{i}]");
        }
    }

    public void Dispose()
    {
        _optimizer.Dispose();
        _model.Dispose();
        _trainInputs.Dispose();
        _trainLabels.Dispose();
        _valInputs.Dispose();
        _valLabels.Dispose();
        _probe.Dispose();
        _targets?.Dispose();
        _targetHalfNorms?.Dispose();
        _data.Dispose();
        _initGenerator.Dispose();
        _dropoutGenerator.Dispose();
    }
}
