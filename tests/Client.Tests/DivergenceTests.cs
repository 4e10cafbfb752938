namespace Grokking.Client.Tests;

/// <summary>A run whose loss becomes NaN or infinite stops at once, is not retried, and says so.</summary>
public sealed class DivergenceTests : IDisposable
{
    // Weights a million million million million million times their PyTorch scale overflow float32 logits at once.
    private const string Spec = """
        name: diverges
        task: { kind: modular, operation: "x+y", modulus: 7, train_fraction: 0.5 }
        model: { kind: mlp, depth: 2, width: 16, init_scale: 1e30 }
        optimizer: { warmup_steps: 0 }
        training: { steps: 500, batch_size: full, eval_every: 10, checkpoint_every: 100 }
        grid:
          seed: [0, 1]
        """;

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Train_reports_the_divergence_and_the_step_it_stopped_at()
    {
        Directory.CreateDirectory(_folder.Path);
        var spec = Path.Combine(_folder.Path, "diverges.yaml");
        File.WriteAllText(spec, Spec);
        var (code, stdout, stderr) = Cli.Run(TimeSpan.FromMinutes(2), "train", spec, "--out", Path.Combine(_folder.Path, "out"),
            "--torch-threads", "1");
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        Assert.Contains("diverged:", stdout);
        Assert.Matches("phase[^\n]*diverged", stdout);
        var last = DuckDb.Rows($"SELECT max(step), count(*) FROM {DuckDb.Metrics(Path.Combine(_folder.Path, "out"))}").Single();
        Assert.True(Convert.ToInt64(last[0]) < 500, $"the run went on to step {last[0]}");
        Assert.Equal(Convert.ToInt64(last[0]), Convert.ToInt64(last[1]));
    }

    [Fact]
    public void A_sweep_marks_diverged_runs_done_with_phase_diverged_after_one_attempt()
    {
        var (outDir, _) = Cli.RunSweep(_folder.Path, "diverges", Spec);
        var rows = DuckDb.Rows(
            $"SELECT status, attempts, failures, phase, diverged_at, steps_trained FROM read_parquet('{Path.Combine(outDir, "sweep=diverges", "runs.parquet")}')");
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r =>
        {
            Assert.Equal("done", r[0]);
            Assert.Equal(1, Convert.ToInt32(r[1]));
            Assert.Equal(0, Convert.ToInt32(r[2]));
            Assert.Equal("diverged", r[3]);
            Assert.Equal(Convert.ToInt64(r[4]), Convert.ToInt64(r[5]));
        });
    }
}
