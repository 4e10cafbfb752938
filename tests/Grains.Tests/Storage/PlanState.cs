namespace Grokking.Grains.Tests.Storage;

/// <summary>A grain state shaped like the real ones: init properties, a nullable value, an enum, a nested record, a list and a public field.</summary>
public sealed record PlanState
{
    public string Name { get; init; } = "";
    public long? Budget { get; init; }
    public PlanMode Mode { get; init; }
    public PlanDetail? Detail { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];

    // A public field: state written as plain classes uses them, and they must survive too.
    public int Counter;
}
