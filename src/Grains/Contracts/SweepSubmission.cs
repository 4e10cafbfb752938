namespace Grokking.Grains.Contracts;

/// <summary>A spec sent to a sweep grain: the YAML text and where relative paths in it resolve.</summary>
[GenerateSerializer]
public sealed record SweepSubmission
{
    [Id(0)] public string SpecText { get; init; } = "";
    [Id(1)] public string SourceName { get; init; } = "spec.yaml";
    [Id(2)] public string BaseDirectory { get; init; } = "";
}
