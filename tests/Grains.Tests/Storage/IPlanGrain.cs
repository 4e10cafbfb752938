namespace Grokking.Grains.Tests.Storage;

/// <summary>A grain whose only job is to persist a <see cref="PlanState"/> through the file grain storage.</summary>
public interface IPlanGrain : IGrainWithStringKey
{
    Task Rename(string name);

    Task<string> Name();

    Task Forget();
}
