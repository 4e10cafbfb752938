namespace Grokking.Client.Plots;

/// <summary>What <c>grokking plot</c> was asked for; null means the default.</summary>
public sealed record PlotRequest
{
    /// <summary>Grid axis across the phase diagram or the line plot (default: the grid's first axis).</summary>
    public string? X { get; init; }

    /// <summary>Grid axis up the phase diagram (default: the first other axis).</summary>
    public string? Y { get; init; }

    /// <summary>A <see cref="PhaseMetric"/> name (default: step_val_99).</summary>
    public string? Metric { get; init; }

    /// <summary>A numeric runs.parquet column to draw as a line plot against <see cref="X"/>, instead of the default figures.</summary>
    public string? Line { get; init; }

    /// <summary>CSV files of published curves to draw on the <see cref="Line"/> plot for comparison (<see cref="ReferenceCsv"/>).</summary>
    public IReadOnlyList<string>? References { get; init; }

    /// <summary>Runs for the learning curves and layer figures (default: <see cref="ExampleRuns"/>).</summary>
    public IReadOnlyList<string>? Runs { get; init; }
}
