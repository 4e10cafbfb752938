namespace Grokking.Client.Plots;

/// <summary>One run on a line plot: its value on the x axis, its number (null unless <see cref="Kind"/> is Value) and what to draw.</summary>
public readonly record struct LinePoint(object X, double? Y, LinePointKind Kind, string RunId);
