using System.Collections.Concurrent;
using Grokking.Grains.Checkpoints;
using Grokking.Grains.Contracts;
using Grokking.Grains.Fencing;
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
    private volatile bool _draining;
    private volatile bool _disposed;

    public TrainingEngine(EngineOptions options, ICheckpointStore checkpoints, MetricSegmentWriter segments, IRunFence fence,
        ILogger<TrainingEngine> logger)
    {
        _options = options;
        _logger = logger;
        _executor = new RunExecutor(checkpoints, segments, options.OutDir, logger, runFence: fence);
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

    /// <summary>True once the silo is shutting down: the engine takes no new runs.</summary>
    public bool IsDraining => _draining;

    /// <summary>True when no run is queued or training here.</summary>
    public bool IsIdle => _jobs.IsEmpty;

    /// <summary>Queues a run; false if the engine is draining or a job for the same run grain is already queued or training.</summary>
    public bool Enqueue(TrainingJob job)
    {
        if (_draining || !_jobs.TryAdd(job.GrainKey, job)) return false;
        _queue.Add(job);
        return true;
    }

    /// <summary>Asks a run to stop at its next step boundary.</summary>
    public void Stop(string grainKey, EngineReportKind reason)
    {
        if (_jobs.TryGetValue(grainKey, out var job)) job.Stop(reason);
    }

    /// <summary>
    /// Shutdown: takes no new runs, interrupts every run (each checkpoints at its next step boundary, not at its next
    /// checkpoint interval) and waits until all have reported, so they resume elsewhere having lost nothing.
    /// </summary>
    /// <returns>The number of runs that were still queued or training after <paramref name="timeout"/>.</returns>
    public async Task<int> DrainAsync(TimeSpan timeout)
    {
        _draining = true;
        var interrupted = _jobs.Values.ToList();
        foreach (var job in interrupted) job.Stop(EngineReportKind.Interrupted);
        _logger.LogInformation("Draining: interrupted {Count} run(s); each checkpoints now and resumes on another silo", interrupted.Count);
        var deadline = DateTime.UtcNow + timeout;
        while (!_jobs.IsEmpty && DateTime.UtcNow < deadline) await Task.Delay(50);
        if (!_jobs.IsEmpty)
            _logger.LogWarning("Draining: {Count} run(s) did not checkpoint within {Timeout}; they resume from their previous checkpoint", _jobs.Count, timeout);
        return _jobs.Count;
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
                Fence = job.Fence,
            }).ContinueWith(t => _logger.LogDebug(t.Exception, "Progress of {Run} not delivered", job.GrainKey),
                TaskContinuationOptions.OnlyOnFaulted);
        });
        string? note = null;
        // Refused before torch allocates: a run that cannot fit would take the silo down with it. Another silo may
        // be larger, so it counts as an ordinary failure (retried elsewhere up to max_failures).
        if (Training.Runs.MemoryEstimate.For(run.Config) is var estimate && estimate.TotalBytes > _options.MemoryPerRun)
        {
            var error = $"does not fit this silo: the run needs about {Training.Runs.MemoryEstimate.Describe(estimate.TotalBytes)}, "
                + $"a run may use {Training.Runs.MemoryEstimate.Describe(_options.MemoryPerRun)} here ({_options.MemorySource})";
            _logger.LogWarning("Run {Run} of sweep {Sweep} refused: {Error}", run.RunId, run.SweepId, error);
            return new EngineReport { Kind = EngineReportKind.Failed, Error = error };
        }
        try
        {
            var outcome = _executor.Execute(run, progress, job.Stopping, text => note = text, job.Fence);
            var kind = outcome.StepsTrained >= run.Config.Training.Steps || outcome.StoppedEarly || outcome.DivergedAt is not null
                ? EngineReportKind.Finished
                : job.StopReason ?? EngineReportKind.Interrupted;
            if (kind == EngineReportKind.Interrupted)
                _logger.LogInformation("Run {Run} of sweep {Sweep} interrupted at step {Step}", run.RunId, run.SweepId, outcome.StepsTrained);
            return new EngineReport
            {
                Kind = kind, Step = outcome.StepsTrained, TotalSteps = run.Config.Training.Steps,
                TrainAcc = outcome.FinalTrainAcc, ValAcc = outcome.FinalValAcc, Outcome = RunOutcomeSummary.From(outcome), Note = note,
            };
        }
        catch (FencedOutException e)
        {
            // The executor logged the refused write. The report goes to the run grain, which ignores it when a newer
            // attempt's token is on record, so this attempt never reports over the one that replaced it.
            return new EngineReport { Kind = EngineReportKind.Superseded, Error = e.Message };
        }
        catch (OperationCanceledException) when (job.Stopping.IsCancellationRequested)
        {
            // Stopped before training began (still waiting for its checkpoint): nothing trained, nothing lost.
            return new EngineReport { Kind = job.StopReason ?? EngineReportKind.Interrupted, Note = note };
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Run {Run} of sweep {Sweep} failed", run.RunId, run.SweepId);
            return new EngineReport { Kind = EngineReportKind.Failed, Error = $"{e.GetType().Name}: {e.Message}", Note = note };
        }
    }

    // Every final report carries the attempt's fence token, stamped here once: the run grain ignores reports of attempts
    // it has since replaced.
    private void Finish(TrainingJob job, EngineReport report)
    {
        Deliver(job, report with { Fence = job.Fence });
        _jobs.TryRemove(job.GrainKey, out _);
    }

    // Final reports must arrive: the grain may be moving (its silo died), the cluster busy or Redis (grain state) down.
    // The slot waits and retries with backoff until the report is delivered; it is never dropped. Only a silo that is
    // being disposed gives up, and then the run is restarted from its checkpoint by the sweep once this silo is gone.
    private void Deliver(TrainingJob job, EngineReport report)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                job.Report(report).GetAwaiter().GetResult();
                if (attempt > 0) _logger.LogInformation("Report {Kind} for {Run} delivered after {Attempts} attempts", report.Kind, job.GrainKey, attempt + 1);
                return;
            }
            catch (Exception e) when (!_disposed)
            {
                var level = attempt % 10 == 0 ? LogLevel.Warning : LogLevel.Debug;
                _logger.Log(level, "Report {Kind} for {Run} not delivered yet (attempt {Attempt}: {Error}); retrying", report.Kind, job.GrainKey, attempt + 1, e.Message);
                Thread.Sleep(TimeSpan.FromMilliseconds(Math.Min(5000, 100 * (1 << Math.Min(attempt, 6)))));
            }
            catch (Exception e)
            {
                _logger.LogWarning("Report {Kind} for {Run} not delivered before the silo stopped: {Error}; the sweep restarts the run from its checkpoint", report.Kind, job.GrainKey, e.Message);
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
        _disposed = true;
        _draining = true;
        _queue.CompleteAdding();
        foreach (var job in _jobs.Values) job.Stop(EngineReportKind.Interrupted);
        foreach (var worker in _workers) worker.Join(TimeSpan.FromSeconds(30));
        _queue.Dispose();
    }
}
