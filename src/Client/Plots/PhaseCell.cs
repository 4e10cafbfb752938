namespace Grokking.Client.Plots;

/// <summary>One phase-diagram cell: the runs at one (x, y) pair of grid values reduced to one number or one phase.</summary>
public readonly record struct PhaseCell
{
    /// <summary>The median of the metric; null when the cell has no outcome or never reached the step.</summary>
    public double? Value { get; private init; }

    /// <summary>The most common phase, for the categorical metric.</summary>
    public string? Phase { get; private init; }

    /// <summary>Every run here finished (or the median did) without reaching the step the metric counts.</summary>
    public bool IsNever { get; private init; }

    /// <summary>Runs that contributed (runs trained to their end).</summary>
    public int Runs { get; private init; }

    /// <summary>No run here was trained to its end (failed or cancelled), so nothing is known.</summary>
    public bool IsEmpty => Runs == 0;

    public static PhaseCell Empty => default;

    public static PhaseCell Never(int runs) => new() { IsNever = true, Runs = runs };

    public static PhaseCell Number(double value, int runs) => new() { Value = value, Runs = runs };

    public static PhaseCell Category(string phase, int runs) => new() { Phase = phase, Runs = runs };
}
