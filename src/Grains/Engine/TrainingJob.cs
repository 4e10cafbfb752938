using Grokking.Grains.Contracts;
using Grokking.Grains.Specs;

namespace Grokking.Grains.Engine;

/// <summary>A run queued on or held by a silo's training engine.</summary>
public sealed class TrainingJob(string grainKey, RunSpec run, long fence, Func<EngineReport, Task> report)
{
    private readonly CancellationTokenSource _stop = new();

    /// <summary>The run grain's key ("sweep/run").</summary>
    public string GrainKey { get; } = grainKey;

    public RunSpec Run { get; } = run;

    /// <summary>The attempt's fence token, granted by the run grain: every write and report of the attempt carries it.</summary>
    public long Fence { get; } = fence;

    /// <summary>Delivers a report to the run grain.</summary>
    public Func<EngineReport, Task> Report { get; } = report;

    /// <summary>Why the job was asked to stop: Stopped (cancel) or Interrupted (shutdown); null while it may run on.</summary>
    public EngineReportKind? StopReason { get; private set; }

    public CancellationToken Stopping => _stop.Token;

    public void Stop(EngineReportKind reason)
    {
        StopReason ??= reason;
        _stop.Cancel();
    }
}
