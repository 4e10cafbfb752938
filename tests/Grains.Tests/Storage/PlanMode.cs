namespace Grokking.Grains.Tests.Storage;

/// <summary>An enum inside test grain state; stored by name.</summary>
public enum PlanMode
{
    Fast,
    Careful,
}
