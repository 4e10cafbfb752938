namespace Grokking.Client.Tests.Plots;

/// <summary>The test classes that plot the one sweep <see cref="PlotSweepFixture"/> makes.</summary>
[CollectionDefinition(Name)]
public sealed class PlotSweepCollection : ICollectionFixture<PlotSweepFixture>
{
    public const string Name = "plot sweep";
}
