namespace Grokking.Client.Tests;

public sealed class BadInputTests : IDisposable
{
    private readonly TempFolder _work = new();
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static TheoryData<string, string> BadSpecs => new()
    {
        { "name: a\ntask: { kind: modular, operation: \"x+y\"\nmodel: { kind: mlp }\n", "bad.yaml:" },
        { "name: a\ntask: { kind: modular, opration: \"x+y\" }\n", "bad.yaml:2: task.opration: unknown key; did you mean 'operation'?" },
        { "name: a\ntask: { kind: modular, operation: \"x/y\", modulus: 12 }\n", "bad.yaml:2: task.modulus" },
        { "name: a\ntask: { kind: modular, operation: \"x**y\" }\n", "task.operation" },
        { "name: a\noptimizer: { lr: -1 }\n", "bad.yaml:2: optimizer.lr" },
        { "name: a\ntask: { kind: image, data_dir: /nonexistent/fashion }\nmodel: { kind: mlp }\n", "task.data_dir" },
        { "name: a\ngrid:\n  lr: []\n", "bad.yaml:3: grid.lr" },
    };

    [Theory]
    [MemberData(nameof(BadSpecs))]
    public void A_bad_spec_exits_with_code_2_names_the_field_and_line_and_writes_nothing(string yaml, string expected)
    {
        Directory.CreateDirectory(_work.Path);
        var spec = Path.Combine(_work.Path, "bad.yaml");
        File.WriteAllText(spec, yaml);
        var outDir = Path.Combine(_work.Path, "out");

        var (code, _, stderr) = Cli.Run(Timeout, "train", spec, "--out", outDir);

        Assert.Equal(2, code);
        Assert.Contains(expected, stderr);
        Assert.False(Directory.Exists(outDir), "a rejected spec must leave nothing behind");
    }

    [Fact]
    public void A_run_index_outside_the_grid_is_refused_with_the_accepted_range()
    {
        var outDir = Path.Combine(_work.Path, "out");
        var (code, _, stderr) = Cli.Run(Timeout, "train", Cli.Example("quick.yaml"), "--run", "7", "--out", outDir);
        Assert.Equal(2, code);
        Assert.Contains("--run 7", stderr);
        Assert.Contains("accepted: 0..1", stderr);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void A_missing_spec_file_and_an_unknown_option_exit_with_code_2()
    {
        var (missing, _, missingError) = Cli.Run(Timeout, "train", Path.Combine(_work.Path, "nope.yaml"));
        Assert.Equal(2, missing);
        Assert.Contains("nope.yaml", missingError);
        var (unknown, _, unknownError) = Cli.Run(Timeout, "train", Cli.Example("quick.yaml"), "--frobnicate");
        Assert.Equal(2, unknown);
        Assert.Contains("--frobnicate", unknownError);
    }

    [Fact]
    public void Cluster_commands_fail_with_code_1_and_a_clear_message_when_redis_is_unreachable()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (code, _, stderr) = Cli.Run(TimeSpan.FromSeconds(60), "submit", Cli.Example("quick.yaml"), "--redis", "127.0.0.1:1,connectTimeout=1000");
        Assert.Equal(1, code);
        Assert.Contains("cannot reach the Grokking cluster", stderr);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Cluster_commands_without_redis_say_how_to_run_without_a_cluster()
    {
        var (code, _, stderr) = Cli.Run(Timeout, "status", "quick");
        Assert.Equal(2, code);
        Assert.Contains("--redis is required", stderr);
        Assert.Contains("grokking run SPEC", stderr);
    }

    [Theory]
    [InlineData("x")]
    [InlineData("0")]
    public void A_bad_slot_count_for_run_exits_with_code_2_and_writes_nothing(string slots)
    {
        var outDir = Path.Combine(_work.Path, "out");
        var (code, _, stderr) = Cli.Run(Timeout, "run", Cli.Example("quick.yaml"), "--slots", slots, "--out", outDir);
        Assert.Equal(2, code);
        Assert.Contains("--slots", stderr);
        Assert.False(Directory.Exists(outDir));
    }

    public void Dispose() => _work.Dispose();
}
