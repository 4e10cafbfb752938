using Orleans.Concurrency;

namespace Grokking.Grains.Contracts;

/// <summary>A sweep: the coordinator of one spec's grid, keyed by the sweep name.</summary>
public interface ISweepGrain : IGrainWithStringKey
{
    /// <summary>Creates the sweep, or returns the existing one when the same spec is submitted again; refuses a different spec under the same name.</summary>
    Task<SubmitResult> Submit(SweepSubmission submission);

    Task<SweepStatus> GetStatus();

    /// <summary>Every run's record, in grid order.</summary>
    Task<IReadOnlyList<RunRecord>> GetRuns();

    /// <summary>The axes and where every run proposed so far sits on them (for a live view; it only grows).</summary>
    Task<SweepMap> GetMap();

    /// <summary>
    /// The records of the runs that changed since a reader's last look (<paramref name="epoch"/> and
    /// <paramref name="version"/> from the previous answer; empty and 0 the first time): what a live view polls,
    /// at a cost proportional to what changed rather than to the sweep's size.
    /// </summary>
    Task<RunChanges> GetRunChanges(string epoch, long version);

    /// <summary>Continues an interrupted or cancelled sweep: unfinished, cancelled and failed runs are dispatched again.</summary>
    Task<SweepStatus> Resume();

    /// <summary>Stops every run at its next step boundary, keeping what was written, and dispatches nothing more.</summary>
    Task<SweepStatus> Cancel();

    /// <summary>Writes runs.parquet now and returns its path (it is otherwise refreshed every few seconds while runs change).</summary>
    Task<string> WriteRunsTable();

    /// <summary>A run reports progress or a change of state.</summary>
    [OneWay]
    Task OnRunUpdated(RunRecord record);
}
