using System.Diagnostics;

namespace Grokking.Client.Tests.BadInput;

/// <summary>
/// Bad command lines: each is refused with exit code 2 (1 where the input is fine but the machine or Redis is not), one
/// message naming what is wrong and what is accepted, and no output folder. In the arguments <c>{quick}</c> is
/// examples/quick.yaml, <c>{dir}</c> an empty folder, <c>{file}</c> an empty file, <c>{missing}</c> a path that
/// does not exist and <c>{out}</c> an output folder that must not appear.
/// </summary>
public sealed class CommandLineTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private const string DeadRedis = "127.0.0.1:1,connectTimeout=1000";

    private readonly TempFolder _work = new();

    public static TheoryData<string, string[], int, string> Cases => new()
    {
        { "unknown command", ["frob"], 2, "unknown command 'frob'; accepted: run, train, submit, status, watch, resume, cancel, sql, plot, ui." },
        { "no command", [], 2, "no command given; accepted: run, train, submit, status, watch, resume, cancel, sql, plot, ui." },
        { "unknown option", ["train", "{quick}", "--frobnicate", "--out", "{out}"], 2,
            "grokking train: unknown option '--frobnicate'; accepted: --run, --out, --torch-threads, --memory-budget, --help." },
        { "missing spec argument", ["train", "--out", "{out}"], 2, "grokking train: missing SPEC, Sweep spec (YAML); usage: grokking train SPEC [options]." },
        { "extra argument", ["train", "{quick}", "extra", "--out", "{out}"], 2, "grokking train: unexpected argument 'extra'; usage: grokking train SPEC [options]." },
        { "option without its value", ["train", "{quick}", "--out"], 2, "grokking train: --out needs a value: Output folder for Parquet and checkpoints." },
        { "--run beyond the grid", ["train", "{quick}", "--run", "7", "--out", "{out}"], 2, "--run 7: the grid of 'quick' has 2 runs; accepted: 0..1." },
        { "--run negative", ["train", "{quick}", "--run", "-1", "--out", "{out}"], 2, "--run '-1': expected a whole number, at least 0" },
        { "--run not a number", ["train", "{quick}", "--run", "x", "--out", "{out}"], 2, "--run 'x': expected a whole number, at least 0" },
        { "--slots 0", ["run", "{quick}", "--slots", "0", "--out", "{out}"], 2, "--slots '0': expected a whole number from 1 to 256 (runs trained at once)." },
        { "--slots a million", ["run", "{quick}", "--slots", "1000000", "--out", "{out}"], 2, "--slots '1000000': expected a whole number from 1 to 256 (runs trained at once)." },
        { "--torch-threads 100000", ["run", "{quick}", "--torch-threads", "100000", "--out", "{out}"], 2, "--torch-threads '100000': expected a whole number from 0 to 1024" },
        { "--torch-threads 100000 (train)", ["train", "{quick}", "--torch-threads", "100000", "--out", "{out}"], 2, "--torch-threads '100000': expected a whole number from 0 to 1024" },
        { "--memory-budget not a size", ["run", "{quick}", "--memory-budget", "lots", "--out", "{out}"], 2, "--memory-budget: 'lots' is not a size; accepted: a number of bytes or a number with KiB, MiB, GiB, TiB" },
        { "--memory-budget too small", ["train", "{quick}", "--memory-budget", "1KiB", "--out", "{out}"], 2, "--memory-budget: 1KiB is outside the accepted 64MiB to 1PiB" },
        { "--memory-budget on submit", ["submit", "{quick}", "--memory-budget", "x", "--redis", DeadRedis], 2, "--memory-budget: 'x' is not a size" },
        { "--slots not a number", ["run", "{quick}", "--slots", "x", "--out", "{out}"], 2, "--slots 'x': expected a whole number from 1 to 256 (runs trained at once)." },
        { "--torch-threads negative", ["run", "{quick}", "--torch-threads", "-1", "--out", "{out}"], 2, "--torch-threads '-1': expected a whole number from 0 to 1024" },
        { "spec file missing (train)", ["train", "{missing}", "--out", "{out}"], 2, "spec file not found: {missing}" },
        { "spec file missing (submit)", ["submit", "{missing}", "--redis", DeadRedis], 2, "spec file not found: {missing}" },
        { "spec is a folder (train)", ["train", "{dir}", "--out", "{out}"], 2, "{dir}: is a folder; give a spec file (YAML)" },
        { "spec is a folder (run)", ["run", "{dir}", "--out", "{out}"], 2, "{dir}: is a folder; give a spec file (YAML)" },
        { "--out is a file (train)", ["train", "{quick}", "--out", "{file}"], 2, "--out {file}: is a file; give a folder (it is created if missing)." },
        { "--out is a file (run)", ["run", "{quick}", "--out", "{file}"], 2, "--out {file}: is a file; give a folder (it is created if missing)." },
        { "--out under a file", ["run", "{quick}", "--out", "{file}/sub"], 2, "--out {file}/sub: {file} is a file, so the folder cannot be created there" },
        // Valid input on a machine that cannot take it: exit 1, before training starts (it would retry the folder forever).
        { "--out not writable (train)", ["train", "{quick}", "--out", "/proc/grokking-bad-input"], 1, "--out /proc/grokking-bad-input: cannot create the folder (" },
        { "--out not writable (run)", ["run", "{quick}", "--out", "/proc/grokking-bad-input"], 1, "give a folder this user can create and write to." },
        { "cluster command without --redis", ["status", "quick"], 2, "--redis is required (or set GROKKING_REDIS): the cluster's Redis, e.g. --redis localhost:6379. For a sweep on this machine without a cluster use 'grokking run SPEC'." },
        { "sweep name with bad characters", ["status", "my sweep!", "--redis", DeadRedis], 2, "sweep 'my sweep!': not a sweep name; accepted: letters, digits, '-' and '_'" },
        { "spec file given as sweep name", ["cancel", "quick.yaml", "--redis", DeadRedis], 2, "Give the sweep's name (the name: in its spec), not the spec file." },
        { "malformed --redis", ["resume", "quick", "--redis", "127.0.0.1:6379,connectTimeout=soon"], 2,
            "--redis / GROKKING_REDIS: '127.0.0.1:6379,connectTimeout=soon' is not a StackExchange.Redis connection string" },
        { "sql on a folder that is not a sweep", ["sql", "{dir}", "SELECT 1"], 2, "nor does any sweep=NAME/runs.parquet under {dir}; give a sweep folder such as runs/sweep=quick" },
        { "sql without a query", ["sql", "{dir}"], 2, "grokking sql: missing QUERY" },
        { "sql --limit 0", ["sql", "{dir}", "SELECT 1", "--limit", "0"], 2, "--limit '0': give a whole number of rows, at least 1" },
        { "plot with an unknown metric", ["plot", "{dir}", "--metric", "accuracy", "--out", "{out}"], 2,
            "--metric accuracy: unknown metric; accepted: step_val_99, grokking_gap, final_val_acc, max_val_acc, phase" },
        { "plot on a folder that is not a sweep", ["plot", "{dir}", "--out", "{out}"], 2, "{dir}: not a sweep folder (no runs.parquet)" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_bad_command_line_is_refused_with_one_message_and_nothing_written(string what, string[] args, int code, string expected)
    {
        var (dir, file, missing, outDir) = Places();
        string Fill(string s) => s.Replace("{quick}", Cli.Example("quick.yaml"), StringComparison.Ordinal).Replace("{dir}", dir, StringComparison.Ordinal)
            .Replace("{file}", file, StringComparison.Ordinal).Replace("{missing}", missing, StringComparison.Ordinal).Replace("{out}", outDir, StringComparison.Ordinal);

        Refusal.Check(Cli.RunIn(_work.Path, Timeout, args.Select(Fill).ToArray()), code, Fill(expected), what);

        Assert.False(Directory.Exists(outDir), $"{what}: created {outDir}");
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
        Assert.Equal(0, new FileInfo(file).Length);
        Assert.Equal(["dir", "file"], Refusal.Listing(_work.Path)); // no default runs/ folder either
    }

    [Theory]
    [InlineData("submit")]
    [InlineData("status")]
    [InlineData("watch")]
    [InlineData("resume")]
    [InlineData("cancel")]
    public void A_cluster_command_whose_redis_is_unreachable_exits_1_within_15_seconds_saying_which_redis(string command)
    {
        int port = FreePort();
        var target = command == "submit" ? Cli.Example("quick.yaml") : "quick";
        var clock = Stopwatch.StartNew();
        var result = Cli.Run(Timeout, command, target, "--redis", $"127.0.0.1:{port}");
        clock.Stop();

        Refusal.Check(result, 1, $"cannot reach Redis at 127.0.0.1:{port} (--redis / GROKKING_REDIS):", command);
        Assert.Contains("Start Redis there, or give the cluster's Redis with --redis HOST:PORT (or GROKKING_REDIS).", result.Stderr);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"{command} took {clock.Elapsed.TotalSeconds:F1} s");
    }

    // The fixed places the arguments refer to, made fresh for each case.
    private (string Dir, string File, string Missing, string Out) Places()
    {
        var dir = Path.Combine(_work.Path, "dir");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(_work.Path, "file");
        File.WriteAllText(file, "");
        return (dir, file, Path.Combine(_work.Path, "missing.yaml"), Path.Combine(_work.Path, "out"));
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose() => _work.Dispose();
}
