namespace Grokking.Client.Plots;

/// <summary>One line of a line plot: the runs that share one value on every other grid axis, in x order.</summary>
/// <param name="Label">"operation=x+y, seed=0"; the column name when the grid has no other axis with several values.</param>
public sealed record LineSeries(string Label, IReadOnlyList<LinePoint> Points);
