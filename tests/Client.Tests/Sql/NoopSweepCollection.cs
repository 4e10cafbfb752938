namespace Grokking.Client.Tests.Sql;

/// <summary>The test classes that query the one noop sweep <see cref="NoopSweepFixture"/> makes.</summary>
[CollectionDefinition(Name)]
public sealed class NoopSweepCollection : ICollectionFixture<NoopSweepFixture>
{
    public const string Name = "noop sweep";
}
