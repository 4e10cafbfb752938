namespace Grokking.Grains.Contracts;

/// <summary>One training run's state machine (Pending, Running, Done, Failed, Cancelled), keyed "sweep/run".</summary>
public interface IRunGrain : IGrainWithStringKey
{
    /// <summary>Starts (or restarts from its checkpoint) the run on this grain's silo; idempotent while it runs.</summary>
    Task<RunRecord> Start(RunAssignment assignment);

    /// <summary>Stops the run at its next step boundary; what was written is kept.</summary>
    Task Cancel();

    Task<RunRecord> GetRecord();

    /// <summary>The silo's training engine reports progress or the end of an attempt.</summary>
    Task OnEngineReport(EngineReport report);
}
