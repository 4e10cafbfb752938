namespace Grokking.Grains.Tests.Storage;

/// <summary>A positional record nested in <see cref="PlanState"/>.</summary>
public sealed record PlanDetail(double Fraction, string Operation, PlanMode Mode);
