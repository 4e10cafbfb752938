namespace Grokking.Grains.Specs;

/// <summary>A cross-field rule a config breaks: the field to blame, the other fields involved, and the problem.</summary>
internal sealed record RuleViolation(string Field, IReadOnlyList<string> Involved, string Problem);
