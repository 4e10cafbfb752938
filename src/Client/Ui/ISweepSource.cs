namespace Grokking.Client.Ui;

/// <summary>Where the live view reads sweeps from: the grains of a running sweep, or a sweep's output folder.</summary>
public interface ISweepSource
{
    /// <summary>The sweeps this source can show, by name.</summary>
    Task<IReadOnlyList<string>> SweepsAsync(CancellationToken cancellation);

    /// <summary>The sweep's state now.</summary>
    /// <exception cref="KeyNotFoundException">No sweep of that name here.</exception>
    Task<SweepFrame> ReadAsync(string sweep, CancellationToken cancellation);

    /// <summary>The sweep folder (OUT/sweep=NAME) whose Parquet holds its curves; null when this source has none.</summary>
    string? SweepFolder(string sweep);

    /// <summary>How often a live view asks again.</summary>
    TimeSpan PollInterval { get; }
}

/// <summary>The outcome numbers a cell may be coloured by, in the order the page offers them.</summary>
public static class UiMetrics
{
    public static readonly IReadOnlyList<string> Names =
    [
        "final_val_acc", "max_val_acc", "final_train_acc", "step_val_99", "step_train_99", "grokking_gap",
        "final_val_loss", "final_train_loss", "steps_trained", "wall_time_s",
    ];

    /// <summary>queued for a run not started yet (the grains call it pending), else the status as runs.parquet writes it.</summary>
    public static string Status(string status) => status is "pending" or "Pending" ? "queued" : status.ToLowerInvariant();
}
