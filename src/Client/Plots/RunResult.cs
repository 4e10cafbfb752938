namespace Grokking.Client.Plots;

/// <summary>One row of runs.parquet: a grid point, its grid values and its outcome.</summary>
public sealed record RunResult
{
    public required string RunId { get; init; }

    public required int Index { get; init; }

    /// <summary>pending, running, done, failed or cancelled.</summary>
    public required string Status { get; init; }

    /// <summary>The run's value on each grid axis, by axis name (DBNull where missing).</summary>
    public required IReadOnlyDictionary<string, object> Parameters { get; init; }

    public long? StepTrain99 { get; init; }

    public long? StepVal99 { get; init; }

    public long? GrokkingGap { get; init; }

    public string? Phase { get; init; }

    public double? FinalValAcc { get; init; }

    public double? MaxValAcc { get; init; }

    /// <summary>The run's value in each of <see cref="SweepResults.NumericColumns"/>; null where NULL, NaN or infinite.</summary>
    public IReadOnlyDictionary<string, double?> Numbers { get; init; } = new Dictionary<string, double?>();

    /// <summary>Only a run trained to its end has an outcome; a failed or cancelled run's missing steps mean "not known", not "never".</summary>
    public bool HasOutcome => Status == "done";
}
