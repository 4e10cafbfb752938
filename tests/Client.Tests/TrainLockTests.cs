using Grokking.Grains.Fencing;
using Grokking.Grains.Specs;

namespace Grokking.Client.Tests;

/// <summary>One `grokking train` per output folder: a second one is refused at once and writes nothing.</summary>
public sealed class TrainLockTests : IDisposable
{
    // Long enough to still be training when the second process starts and is refused.
    private const string LongSpec = """
        name: held
        task: { kind: modular, operation: "x+y", modulus: 23, train_fraction: 0.5 }
        model: { kind: mlp, depth: 2, width: 32 }
        training: { steps: 1000000, batch_size: 64, eval_every: 100, checkpoint_every: 1000 }
        """;

    private const string ShortSpec = """
        name: after
        task: { kind: modular, operation: "x+y", modulus: 7, train_fraction: 0.5 }
        model: { kind: mlp, depth: 2, width: 8 }
        training: { steps: 20, batch_size: 8, eval_every: 10, checkpoint_every: 10 }
        """;

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_second_train_on_the_same_output_folder_is_refused_at_once_with_one_line_and_writes_nothing()
    {
        Directory.CreateDirectory(_folder.Path);
        var spec = Write("held.yaml", LongSpec);
        var outDir = Path.Combine(_folder.Path, "out");
        var run = SpecParser.Parse(LongSpec).Expand()[0];
        var fence = new FileRunFence(outDir);

        using var first = Cli.Start("train", spec, "--out", outDir, "--torch-threads", "1");
        try
        {
            // Token 1 claimed: the first process holds the folder and trains.
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
            while (!File.Exists(fence.TokenPathOf(run.SweepId, run.RunId)))
            {
                if (first.HasExited) Assert.Fail($"the first train exited with {first.ExitCode}: {first.StandardError.ReadToEnd()}");
                Assert.True(DateTime.UtcNow < deadline, "the first train did not start training within 2 minutes");
                await Task.Delay(100);
            }

            var (code, stdout, stderr) = Cli.Run(TimeSpan.FromSeconds(60), "train", spec, "--out", outDir, "--torch-threads", "1");

            Assert.True(code == 1, $"exit {code}: {stderr}\n{stdout}");
            Assert.Equal("", stdout);
            var line = Assert.Single(stderr.TrimEnd().Split('\n'));
            Assert.StartsWith($"error: --out {outDir}: another grokking train process holds this output folder", line);
            // The second never began an attempt of its own: the run's token is still the first one's.
            Assert.Equal(1, await fence.CurrentAsync(run.SweepId, run.RunId));
            Assert.False(first.HasExited, "the first train stopped when the second was refused");
        }
        finally
        {
            first.Kill(entireProcessTree: true);
            first.WaitForExit();
        }

        // The kernel released the killed process's lock: the folder is free again.
        var (after, afterOut, afterErr) = Cli.Run(TimeSpan.FromMinutes(2), "train", Write("after.yaml", ShortSpec), "--out", outDir, "--torch-threads", "1");
        Assert.True(after == 0, $"exit {after}: {afterErr}\n{afterOut}");
    }

    private string Write(string name, string yaml)
    {
        var path = Path.Combine(_folder.Path, name);
        File.WriteAllText(path, yaml);
        return path;
    }
}
