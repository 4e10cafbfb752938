using Grokking.Grains.Contracts;
using Grokking.Grains.Storage;

namespace Grokking.Grains.Sweeps;

/// <summary>The fixed columns of runs.parquet, each defined here once; a new outcome value is one line in <see cref="Outcome"/>.</summary>
/// <remarks>
/// A file has <see cref="Bookkeeping"/>, then one column per grid axis, then <see cref="Outcome"/>, then one column per
/// other resolved setting (<see cref="RunsTableWriter"/> makes the columns of a sweep's axes and settings). Users'
/// datasets and DuckDB queries rely on these names, order, types and nullability: add at the end of a part only.
/// </remarks>
public static class RunsTable
{
    /// <summary>Before the grid axes: which run, and how its attempts went.</summary>
    public static readonly ParquetTable<RunRow> Bookkeeping = new()
    {
        { "sweep_id", r => r.Run.SweepId, Presence.Required },
        { "run_id", r => r.Run.RunId, Presence.Required },
        { "run_index", r => r.Run.Index },
        { "status", r => StatusName(r.Record?.Status ?? RunStatus.Pending), Presence.Required },
        { "attempts", r => r.Record?.Attempts ?? 0 },
        { "failures", r => r.Record?.Failures ?? 0 },
    };

    /// <summary>After the grid axes: the outcome (null until the run has one), where it ran and what went wrong, and its lineage.</summary>
    public static readonly ParquetTable<RunRow> Outcome = new()
    {
        // Progress so far until the run has an outcome, so a running sweep's table shows how far each run got.
        { "steps_trained", r => r.Outcome?.StepsTrained ?? r.Record?.Step ?? 0 },
        { "step_train_99", r => r.Outcome?.StepTrain99 },
        { "step_val_99", r => r.Outcome?.StepVal99 },
        { "grokking_gap", r => r.Outcome?.GrokkingGap },
        { "step_train_threshold", r => r.Outcome?.StepTrainThreshold },
        { "step_val_threshold", r => r.Outcome?.StepValThreshold },
        { "step_val_loss_below", r => r.Outcome?.StepValLossBelow },
        { "diverged_at", r => r.Outcome?.DivergedAt },
        { "phase", r => r.Outcome?.Phase, Presence.Optional },
        { "final_train_loss", r => r.Outcome?.FinalTrainLoss },
        { "final_train_acc", r => r.Outcome?.FinalTrainAcc },
        { "final_val_loss", r => r.Outcome?.FinalValLoss },
        { "final_val_acc", r => r.Outcome?.FinalValAcc },
        { "max_val_acc", r => r.Outcome?.MaxValAcc },
        { "stopped_early", r => r.Outcome?.StoppedEarly },
        { "wall_time_s", r => r.Outcome?.WallTimeS },
        { "silo", r => r.Record?.Silo, Presence.Optional },
        { "error", r => r.Record?.Error, Presence.Optional },
        { "note", r => r.Record?.Note, Presence.Optional },
        { "tool_version", r => r.Lineage.ToolVersion, Presence.Required },
        { "torchsharp_version", r => r.Lineage.TorchSharpVersion, Presence.Required },
        { "libtorch_version", r => r.Lineage.LibTorchVersion, Presence.Required },
        { "device", r => r.Lineage.Device, Presence.Required },
        { "spec_sha256", r => r.Lineage.SpecSha256, Presence.Required },
        { "stop_reason", r => r.Outcome?.StopReason, Presence.Optional },
        { "search_level", r => r.Run.Place?.Level },
    };

    private static string StatusName(RunStatus status) => status switch
    {
        RunStatus.Pending => "pending",
        RunStatus.Running => "running",
        RunStatus.Done => "done",
        RunStatus.Failed => "failed",
        RunStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown run status."),
    };
}
