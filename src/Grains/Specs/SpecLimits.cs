namespace Grokking.Grains.Specs;

/// <summary>Bounds a spec must stay within so one typo cannot launch a million runs.</summary>
public sealed record SpecLimits
{
    /// <summary>Most grid points (runs) one sweep may expand to.</summary>
    public int MaxGridSize { get; init; } = 100_000;
}
