using System.Diagnostics;
using System.Text;

namespace Grokking.Client.Tests.BadInput;

/// <summary>
/// Input built to break the tool rather than typed by mistake: inputs too large or too strange to keep in corpus/
/// (30,000 nested brackets, a 1 MB name, FIFOs, devices, IDX files that lie in their headers) and secrets in the
/// environment. Each runs through the real CLI process and must end with its exit code and
/// one line naming what is wrong and what is accepted, no trace, nothing written, within <see cref="Refusal.TimeBound"/>
/// and under <see cref="Refusal.MemoryCeiling"/>.
/// </summary>
public sealed class HostileInputTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private const string Secret = "s3cr3t-pa55,with-a-comma";

    private readonly TempFolder _work = new();

    public HostileInputTests() => Directory.CreateDirectory(_work.Path);

    [Fact]
    public void Thirty_thousand_nested_brackets_are_refused_without_a_stack_overflow()
    {
        var yaml = "name: deep\ntask: { kind: noop }\ngrid:\n  seed: " + new string('[', 30_000) + "0" + new string(']', 30_000) + "\n";
        Refused(yaml, ["train", "{spec}", "--out", "{out}"], 2, "nested more than 64 levels deep");
    }

    [Fact]
    public void A_one_megabyte_name_gets_a_short_message()
    {
        var error = Refused("name: " + new string('n', 1 << 20) + "\ntask: { kind: noop }\n", ["train", "{spec}", "--out", "{out}"], 2,
            "name: must be 1 to 100 letters, digits, '-' and '_' (got 'nnnn");
        Assert.Contains("(1,048,576 characters)", error);
        Assert.True(error.Length < 400, $"a {error.Length}-character message");
    }

    [Fact]
    public void Two_axes_of_100000_points_are_refused_from_their_lengths_at_once()
    {
        var axis = string.Join(", ", Enumerable.Range(0, 100_000));
        Refused($"name: wide\ntask: {{ kind: noop }}\ngrid:\n  seed: [{axis}]\n  step_ms: [{axis}]\n", ["run", "{spec}", "--out", "{out}"], 2,
            "grid: expands to 10000000000 runs (seed 100000 x step_ms 100000); the maximum is 100000");
    }

    [Fact]
    public void A_spec_that_is_a_fifo_is_refused_without_opening_it()
    {
        var fifo = Path.Combine(_work.Path, "spec.yaml");
        MakeFifo(fifo);
        RefusedPath(["train", fifo, "--out", "{out}"], 2, "is a FIFO (named pipe), not a spec file");
    }

    [Fact]
    public void Dev_zero_as_the_spec_is_refused() =>
        RefusedPath(["run", "/dev/zero", "--out", "{out}"], 2, "/dev/zero: is a device, not a spec file");

    [Fact]
    public void A_spec_larger_than_4_MB_is_refused_unread()
    {
        var path = Path.Combine(_work.Path, "big.yaml");
        File.WriteAllText(path, "name: big\ntask: { kind: noop }\n# " + new string('x', 5 << 20) + "\n");
        RefusedPath(["train", path, "--out", "{out}"], 2, "the spec file is larger than 4 MB");
    }

    [Fact]
    public void A_binary_file_is_refused_as_not_yaml()
    {
        var path = Path.Combine(_work.Path, "model.bin");
        File.WriteAllBytes(path, Enumerable.Range(0, 65_536).Select(i => (byte)(i * 7919 % 256)).ToArray());
        RefusedPath(["train", path, "--out", "{out}"], 2, "is a binary file (it contains NUL bytes), not a YAML spec");
    }

    [Fact]
    public void An_idx_header_claiming_400_GB_of_images_is_refused_with_the_spec()
    {
        var data = ImageFolder(trainImages: Idx([100, 65535, 65535], 64));
        Refused(ImageSpec(data), ["train", "{spec}", "--out", "{out}"], 2, "its header claims 100 x 65535 x 65535 bytes of data; accepted: at most 1024 MB");
    }

    [Fact]
    public void A_label_outside_the_ten_classes_is_refused_with_the_spec()
    {
        var labels = Idx([20], 20);
        labels[^3] = 255;
        var data = ImageFolder(trainLabels: labels);
        Refused(ImageSpec(data), ["train", "{spec}", "--out", "{out}"], 2, "train-labels-idx1-ubyte: label 255 at item 17; accepted: 0 to 9");
    }

    [Fact]
    public void A_data_folder_of_fifos_is_refused_without_hanging()
    {
        var data = Path.Combine(_work.Path, "fifos");
        Directory.CreateDirectory(data);
        foreach (var name in new[] { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" })
            MakeFifo(Path.Combine(data, name));
        Refused(ImageSpec(data), ["train", "{spec}", "--out", "{out}"], 2, "is a FIFO (named pipe), not an IDX file");
    }

    [Fact]
    public void A_run_larger_than_the_memory_budget_is_refused_with_the_estimate_and_the_budget()
    {
        var error = Refused("name: wide\ntask: { kind: modular, modulus: 97 }\nmodel: { kind: mlp, depth: 4, width: 4096 }\n",
            ["train", "{spec}", "--memory-budget", "256MiB", "--out", "{out}"], 2, "model.width: the run needs about");
        Assert.Contains("but one run may use 256 MiB here (--memory-budget / GROKKING_MEMORY_BUDGET)", error);
        Assert.Contains("parameters with gradients and optimizer state", error);
    }

    [Fact]
    public void A_malformed_memory_budget_in_the_environment_is_refused()
    {
        var spec = WriteSpec("name: fine\ntask: { kind: noop }\n");
        var result = Cli.RunMeasured(_work.Path, Timeout, new Dictionary<string, string?> { ["GROKKING_MEMORY_BUDGET"] = "plenty" },
            "run", spec, "--out", Path.Combine(_work.Path, "out"));
        Refusal.Check((result.ExitCode, result.Stdout, result.Stderr), 2, "GROKKING_MEMORY_BUDGET: 'plenty' is not a size", "GROKKING_MEMORY_BUDGET=plenty");
        Assert.False(Directory.Exists(Path.Combine(_work.Path, "out")));
    }

    [Theory]
    [InlineData("submit")]
    [InlineData("status")]
    [InlineData("watch")]
    [InlineData("cancel")]
    public void Help_never_prints_the_redis_password_from_the_environment(string command)
    {
        var result = Cli.RunMeasured(_work.Path, Timeout,
            new Dictionary<string, string?> { ["GROKKING_REDIS"] = $"redis.example:6379,password={Secret}" }, command, "--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("--redis", result.Stdout);
        Assert.DoesNotContain("s3cr3t", result.Stdout + result.Stderr);
        Assert.DoesNotContain("with-a-comma", result.Stdout + result.Stderr);
    }

    [Fact]
    public void A_refused_redis_connection_string_masks_a_password_holding_a_comma()
    {
        var result = Cli.RunMeasured(_work.Path, Timeout, null, "status", "quick",
            "--redis", $"127.0.0.1:6379,password={Secret},connectTimeout=soon");
        Refusal.Check((result.ExitCode, result.Stdout, result.Stderr), 2, "is not a StackExchange.Redis connection string", "masked password");
        Assert.DoesNotContain("s3cr3t", result.Stderr);
        Assert.DoesNotContain("with-a-comma", result.Stderr);
        Assert.Contains("password=***", result.Stderr);
    }

    // --- helpers ---

    /// <summary>Writes the spec, runs the command ({spec}, {out} substituted), checks the refusal; returns the error line.</summary>
    private string Refused(string yaml, string[] args, int code, string expected)
    {
        var spec = WriteSpec(yaml);
        return RefusedPath(args.Select(a => a.Replace("{spec}", spec, StringComparison.Ordinal)).ToArray(), code, expected);
    }

    private string RefusedPath(string[] args, int code, string expected)
    {
        var outDir = Path.Combine(_work.Path, "out");
        var before = Refusal.Listing(_work.Path);
        var resolved = args.Select(a => a.Replace("{out}", outDir, StringComparison.Ordinal)).ToArray();
        var result = Cli.RunMeasured(_work.Path, Timeout, null, resolved);
        var what = string.Join(' ', resolved.Select(a => a.Length > 60 ? a[..60] + "..." : a));
        Refusal.CheckBounded(result, code, expected, what);
        Assert.Equal(before, Refusal.Listing(_work.Path));
        return result.Stderr.Split('\n').Single(l => l.StartsWith("error:", StringComparison.Ordinal));
    }

    private string WriteSpec(string yaml)
    {
        var path = Path.Combine(_work.Path, $"spec-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml, new UTF8Encoding(false));
        return path;
    }

    private static string ImageSpec(string dataDir) =>
        $"name: images\ntask: {{ kind: image, data_dir: \"{dataDir}\", train_size: 5, val_size: 5 }}\nmodel: {{ kind: mlp, depth: 2, width: 16 }}\n";

    /// <summary>A folder of the four MNIST-format files: 20 valid 28x28 images and labels each, unless replaced.</summary>
    private string ImageFolder(byte[]? trainImages = null, byte[]? trainLabels = null)
    {
        var folder = Path.Combine(_work.Path, $"images-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var labels = Idx([20], 20);
        for (int i = 0; i < 20; i++) labels[8 + i] = (byte)(i % 10);
        File.WriteAllBytes(Path.Combine(folder, "train-images-idx3-ubyte"), trainImages ?? Idx([20, 28, 28], 20 * 28 * 28));
        File.WriteAllBytes(Path.Combine(folder, "train-labels-idx1-ubyte"), trainLabels ?? labels);
        File.WriteAllBytes(Path.Combine(folder, "t10k-images-idx3-ubyte"), Idx([20, 28, 28], 20 * 28 * 28));
        File.WriteAllBytes(Path.Combine(folder, "t10k-labels-idx1-ubyte"), labels);
        return folder;
    }

    /// <summary>An IDX file of unsigned bytes whose header says <paramref name="shape"/>, with <paramref name="bytes"/> zero bytes of data.</summary>
    private static byte[] Idx(int[] shape, int bytes)
    {
        var file = new byte[4 + 4 * shape.Length + bytes];
        file[2] = 0x08;
        file[3] = (byte)shape.Length;
        for (int i = 0; i < shape.Length; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(file.AsSpan(4 + 4 * i), shape[i]);
        return file;
    }

    private static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start("mkfifo", path)!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    public void Dispose() => _work.Dispose();
}
