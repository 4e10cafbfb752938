using System.Collections.Concurrent;
using Grokking.Grains.Checkpoints;
using Grokking.Grains.Contracts;
using Grokking.Grains.Metrics;
using Grokking.Grains.Runs;
using Microsoft.Extensions.Logging;

namespace Grokking.Grains.Engine;

/// <summary>
/// A silo's trainer: one dedicated thread per slot takes queued runs and trains them with <see cref="RunExecutor"/>.
/// Training never touches the Orleans scheduler; grains only enqueue, cancel and receive reports. At most
/// <see cref="EngineOptions.Slots"/> runs train at once, however many are queued.
/// </summary>
public sealed class TrainingEngine : IDisposable
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    private readonly EngineOptions _options;
    private readonly RunExecutor _executor;
    private readonly ILogger<TrainingEngine> _logger;
    private readonly BlockingCollection<TrainingJob> _queue = new();
    private readonly ConcurrentDictionary<string, TrainingJob> _jobs = new();
    private readonly Thread[] _workers;
    private int _busy;
    private int _maxBusy;

    public TrainingEngine(EngineOptions options, ICheckpointStore checkpoints, MetricSegmentWriter segments,
        ILogger<TrainingEngine> logger)
    {
        _options = options;
        _logger = logger;
        _executor = new RunExecutor(checkpoints, segments, options.OutDir);
        _workers = Enumerable.Range(0, options.Slots)
            .Select(i => new Thread(Work) { IsBackground = true, Name = $"grokking-slot-{i}" })
            .ToArray();
        foreach (var worker in _workers) worker.Start();
    }

    public int Slots => _options.Slots;

    /// <summary>Runs training right now.</summary>
    public int Busy => Volatile.Read(ref _busy);

    /// <summary>The most runs ever trained at once on this silo (capacity is never exceeded: at most Slots).</summary>
    public int MaxBusy => Volatile.Read(ref _maxBusy);

    /// <summary>True if the run grain's job is queued or training here.</summary>
    public bool Holds(string grainKey) => _jobs.ContainsKey(grainKey);

    /// <summary>Queues a run; false if a job for the same run grain is already queued or training.</summary>
    public bool Enqueue(TrainingJob job)
    {
        if (!_jobs.TryAdd(job.GrainKey, job)) return false;
        _queue.Add(job);
        return true;
    }

    /// <summary>Asks a run to stop at its next step boundary.</summary>
    public void Stop(string grainKey, EngineReportKind reason)
    {
        if (_jobs.TryGetValue(grainKey, out var job)) job.Stop(reason);
    }

    /// <summary>Interrupts every run (they checkpoint at their next step boundary) and waits for them to report.</summary>
    public async Task InterruptAllAsync(TimeSpan timeout)
    {
        foreach (var job in _jobs.Values) job.Stop(EngineReportKind.Interrupted);
        var deadline = DateTime.UtcNow + timeout;
        while (!_jobs.IsEmpty && DateTime.UtcNow < deadline) await Task.Delay(50);
    }

    private void Work()
    {
        foreach (var job in _queue.GetConsumingEnumerable())
        {
            if (job.StopReason is { } early)
            {
                Finish(job, new EngineReport { Kind = early });
                continue;
            }
            int busy = Interlocked.Increment(ref _busy);
            InterlockedMax(ref _maxBusy, busy);
            try
            {
                Finish(job, Train(job));
            }
            finally
            {
                Interlocked.Decrement(ref _busy);
            }
        }
    }

    private EngineReport Train(TrainingJob job)
    {
        var run = job.Run;
        var lastReport = DateTime.MinValue;
        var progress = new Progress<RunProgress>(p =>
        {
            if (DateTime.UtcNow - lastReport < ProgressInterval) return;
            lastReport = DateTime.UtcNow;
            // Progress is best effort: a lost report is superseded by the next one.
            job.Report(new EngineReport
            {
                Kind = EngineReportKind.Progress, Step = p.Step, TotalSteps = p.TotalSteps, TrainAcc = p.TrainAcc, ValAcc = p.ValAcc,
            }).ContinueWith(t => _logger.LogDebug(t.Exception, "Progress of {Run} not delivered", job.GrainKey),
                TaskContinuationOptions.OnlyOnFaulted);
        });
        try
        {
            var outcome = _executor.Execute(run, progress, job.Stopping);
            var kind = outcome.StepsTrained >= run.Config.Training.Steps || outcome.StoppedEarly
                ? EngineReportKind.Finished
                : job.StopReason ?? EngineReportKind.Interrupted;
            return new EngineReport
            {
                Kind = kind, Step = outcome.StepsTrained, TotalSteps = run.Config.Training.Steps,
                TrainAcc = outcome.FinalTrainAcc, ValAcc = outcome.FinalValAcc, Outcome = RunOutcomeSummary.From(outcome),
            };
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Run {Run} of sweep {Sweep} failed", run.RunId, run.SweepId);
            return new EngineReport { Kind = EngineReportKind.Failed, Error = $"{e.GetType().Name}: {e.Message}" };
        }
    }

    private void Finish(TrainingJob job, EngineReport report)
    {
        Deliver(job, report);
        _jobs.TryRemove(job.GrainKey, out _);
    }

    // Final reports must arrive: the grain may be moving (its silo died) or the cluster busy, so retry with backoff.
    private void Deliver(TrainingJob job, EngineReport report)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                job.Report(report).GetAwaiter().GetResult();
                return;
            }
            catch (Exception e) when (attempt < 30)
            {
                _logger.LogInformation("Report {Kind} for {Run} not delivered yet ({Error}); retrying", report.Kind, job.GrainKey, e.Message);
                Thread.Sleep(TimeSpan.FromMilliseconds(Math.Min(5000, 100 * (1 << Math.Min(attempt, 6)))));
            }
            catch (Exception e)
            {
                _logger.LogWarning("Report {Kind} for {Run} dropped: {Error}", report.Kind, job.GrainKey, e.Message);
                return;
            }
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    public void Dispose()
    {
        _queue.CompleteAdding();
        foreach (var job in _jobs.Values) job.Stop(EngineReportKind.Interrupted);
        foreach (var worker in _workers) worker.Join(TimeSpan.FromSeconds(30));
        _queue.Dispose();
    }
}
