using System.Diagnostics;
using Grokking.Training.Checkpoints;
using Grokking.Training.Config;
using Grokking.Training.Metrics;

namespace Grokking.Training.Runs;

/// <summary>
/// A trainer without tensors: it emits a deterministic grokking-shaped accuracy curve (train accuracy rises
/// early, validation accuracy late), optionally sleeping <see cref="TaskConfig.StepMs"/> per step. It exercises
/// the whole orchestration path (segments, checkpoints, grains, stopping rules) at no training cost. With
/// <c>phase_threshold</c> 0.9, train accuracy reaches it at 9% of the budget and validation accuracy at about 56%.
/// </summary>
public sealed class NoopTrainer : IRunTrainer
{
    private readonly RunConfig _config;
    private readonly OutcomeTracker _tracker;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private double _wallTimeBefore;

    private NoopTrainer(RunConfig config)
    {
        _config = config;
        _tracker = new OutcomeTracker(config.Training);
    }

    public static NoopTrainer Create(RunConfig config) => new(config);

    public static NoopTrainer Resume(RunConfig config, ReadOnlyMemory<byte> checkpoint)
    {
        var trainer = new NoopTrainer(config);
        var payload = CheckpointEnvelope.Open(checkpoint, out int version);
        using var r = new BinaryReader(new MemoryStream(payload.ToArray()));
        trainer.Step = r.ReadInt64();
        trainer._wallTimeBefore = r.ReadDouble();
        trainer._tracker.Restore(r, version);
        return trainer;
    }

    public long Step { get; private set; }

    public bool IsFinished => Step >= _config.Training.Steps || _tracker.ShouldStop;

    public RunOutcome Outcome => _tracker.Outcome(Step, WallTimeS);

    public double WallTimeS => _wallTimeBefore + _clock.Elapsed.TotalSeconds;

    public (double TrainAcc, double ValAcc) LatestAccuracy => (_tracker.LastTrainAcc, _tracker.LastValAcc);

    public void TrainUntil(long untilStep, ICollection<StepMetrics> steps, ICollection<LayerMetrics> layers,
        CancellationToken cancellation = default)
    {
        var t = _config.Training;
        long end = Math.Min(untilStep, t.Steps);
        while (Step < end && !_tracker.ShouldStop && !cancellation.IsCancellationRequested)
        {
            if (_config.Task.StepMs > 0) Thread.Sleep(_config.Task.StepMs);
            long step = ++Step;
            var (train, val) = Curve(step);
            var row = new StepMetrics(step, 1 - train, train, _config.Optimizer.Lr, WallTimeS);
            bool last = step >= t.Steps;
            if (step == 1 || step % t.EvalEvery == 0 || last)
            {
                _tracker.Observe(step, 1 - train, train, 1 - val, val);
                row = row with { EvalTrainLoss = 1 - train, EvalTrainAcc = train, ValLoss = 1 - val, ValAcc = val, WeightNorm = 1.0 };
                last |= _tracker.ShouldStop;
            }
            if (t.RankEvery > 0 && (step == 1 || step % t.RankEvery == 0 || last))
            {
                layers.Add(new LayerMetrics(step, 0, "noop", 1, 1.0));
                row = row with { Rqi = val };
            }
            steps.Add(row);
        }
    }

    public byte[] SaveCheckpoint()
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer))
        {
            w.Write(Step);
            w.Write(WallTimeS);
            _tracker.Save(w);
        }
        return CheckpointEnvelope.Seal(buffer.ToArray());
    }

    private bool Memorizes =>
        _config.Task.NoopBoundary is { } boundary && _config.Optimizer.Lr * (1 + _config.Optimizer.WeightDecay) < boundary;

    // Train accuracy saturates after a tenth of the budget, validation accuracy after half of it.
    private (double Train, double Val) Curve(long step)
    {
        double steps = _config.Training.Steps;
        double train = Math.Min(1.0, step / Math.Max(1.0, steps / 10));
        double val = Memorizes ? 0.0 : 1 / (1 + Math.Exp(-(step - steps / 2) / Math.Max(1.0, steps / 40)));
        return (train, val);
    }

    public void Dispose()
    {
    }
}
