using Grokking.Grains.Contracts;
using StackExchange.Redis;

namespace Grokking.Integration.Tests;

/// <summary>A real redis-server and one silo process, started once for <see cref="BadInputClusterTests"/>.</summary>
public sealed class BadInputCluster : IAsyncLifetime
{
    public LoopbackCluster Cluster { get; private set; } = null!;

    /// <summary>A plain connection for reading the key set; the tests never write through it.</summary>
    public ConnectionMultiplexer Redis { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cluster = await LoopbackCluster.StartAsync("badinput");
        Cluster.StartSilo(slots: 1);
        await using (var connection = await Cluster.ConnectAsync())
        {
            await Cluster.WaitForSilosAsync(connection, 1, TimeSpan.FromSeconds(60), "the silo to join");
        }
        Redis = await ConnectionMultiplexer.ConnectAsync(Cluster.Redis.ConnectionString);
    }

    /// <summary>Every key in Redis, sorted.</summary>
    public string[] Keys() =>
        Redis.GetServers().SelectMany(s => s.Keys(pattern: "*")).Select(k => k.ToString()).Order(StringComparer.Ordinal).ToArray();

    public async Task DisposeAsync()
    {
        if (Redis is not null) await Redis.DisposeAsync();
        if (Cluster is not null) await Cluster.DisposeAsync();
    }
}

/// <summary>
/// Bad input against a live cluster: each command is refused with one message and leaves Redis' key set exactly as
/// it was, which is the silo's membership table alone: no sweep state, run state, reminder or checkpoint appears.
/// </summary>
public sealed class BadInputClusterTests(BadInputCluster fixture) : IClassFixture<BadInputCluster>
{
    private LoopbackCluster Cluster => fixture.Cluster;

    // Bad specs from the client's corpus whose errors come from different stages: YAML, a field, a rule, the grid, the data.
    [Theory]
    [InlineData("yaml-tab-indentation.yaml")]
    [InlineData("unknown-nested-key.yaml")]
    [InlineData("wrong-type-steps.yaml")]
    [InlineData("unknown-operation.yaml")]
    [InlineData("division-non-prime-modulus.yaml")]
    [InlineData("grid-beyond-maximum.yaml")]
    [InlineData("image-data-dir-missing.yaml")]
    public void Submitting_a_bad_spec_exits_2_and_leaves_redis_unchanged(string name)
    {
        var spec = Path.Combine(RepositoryRoot, "tests", "Client.Tests", "BadInput", "corpus", name);
        var expected = File.ReadLines(spec).First().Split(": ", 2)[1];
        var before = fixture.Keys();
        AssertOnlyMembership(before);

        var (code, output) = Cluster.Grokking("submit", spec);

        Assert.True(code == 2, $"exit code {code}:\n{output}");
        // The message names the spec as it was given (here a full path), then the line and field.
        Assert.Contains(expected, SingleError(output));
        Assert.Equal(before, fixture.Keys());
    }

    [Theory]
    [InlineData("status")]
    [InlineData("watch")]
    [InlineData("resume")]
    [InlineData("cancel")]
    public void A_command_on_an_unknown_sweep_exits_2_naming_it_and_leaves_redis_unchanged(string command)
    {
        var before = fixture.Keys();

        var (code, output) = Cluster.Grokking(command, "no-such-sweep");

        Assert.True(code == 2, $"exit code {code}:\n{output}");
        Assert.Equal(
            $"error: no sweep named 'no-such-sweep' in cluster '{Cluster.ClusterId}'; a sweep's name is the name: of its spec, and 'grokking submit SPEC' creates one.",
            SingleError(output));
        var after = fixture.Keys();
        Assert.Equal(before, after);
        AssertOnlyMembership(after);
    }

    [Fact]
    public void A_cluster_id_no_silo_uses_exits_1_at_once_and_creates_no_membership_table()
    {
        var before = fixture.Keys();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var (code, output) = ChildProcess.Run(TimeSpan.FromSeconds(30), "grokking", "status", "no-such-sweep",
            "--redis", Cluster.Redis.ConnectionString, "--cluster-id", "nobody-here");

        Assert.True(code == 1, $"exit code {code}:\n{output}");
        Assert.Equal(
            $"error: no Grokking silo has joined cluster 'nobody-here' in Redis at 127.0.0.1:{Cluster.Redis.Port}; start silos with --redis 127.0.0.1:{Cluster.Redis.Port} --cluster-id nobody-here, or give the silos' cluster id with --cluster-id (or GROKKING_CLUSTER_ID).",
            SingleError(output));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(before, fixture.Keys());
        AssertOnlyMembership(before); // no empty table for "nobody-here"
    }

    [Fact]
    public void A_malformed_sweep_name_is_refused_before_the_cluster_is_contacted()
    {
        var before = fixture.Keys();
        var (code, output) = Cluster.Grokking("resume", "examples/quick.yaml");
        Assert.True(code == 2, $"exit code {code}:\n{output}");
        Assert.StartsWith("error: sweep 'examples/quick.yaml': not a sweep name; accepted: letters, digits, '-' and '_'", SingleError(output));
        Assert.Equal(before, fixture.Keys());
    }

    private static string SingleError(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1 && lines[0].StartsWith("error: ", StringComparison.Ordinal), $"expected one error line, got:\n{output}");
        return lines[0];
    }

    // With no sweep submitted, the cluster's only key is the silos' membership table: no grain state, reminder or checkpoint.
    private void AssertOnlyMembership(IEnumerable<string> keys) =>
        Assert.Equal([$"grokking/members/{Cluster.ClusterId}"], keys);

    private static string RepositoryRoot { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Grokking.sln"))) return dir.FullName;
        throw new InvalidOperationException("Grokking.sln not found above " + AppContext.BaseDirectory);
    }
}
