namespace Grokking.Silo.Tests.Cluster;

/// <summary>The tests that share one <see cref="GrokkingCluster"/>; they run one after another, so capacity belongs to one sweep at a time.</summary>
[CollectionDefinition(Name)]
public sealed class GrokkingClusterCollection : ICollectionFixture<GrokkingCluster>
{
    public const string Name = "grokking cluster";
}
