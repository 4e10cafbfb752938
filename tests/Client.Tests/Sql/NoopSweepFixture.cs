namespace Grokking.Client.Tests.Sql;

/// <summary>A finished 4-run noop sweep made once with the real `grokking run` (output redirected, as in CI or a log).</summary>
public sealed class NoopSweepFixture : IDisposable
{
    private readonly TempFolder _work = new();

    public NoopSweepFixture()
    {
        Directory.CreateDirectory(_work.Path);
        var spec = Path.Combine(_work.Path, "tiny.yaml");
        File.WriteAllText(spec, """
            name: tiny
            task: { kind: noop, step_ms: 5 }
            model: { kind: mlp }
            training: { steps: 300, eval_every: 10, rank_every: 100, checkpoint_every: 100 }
            grid:
              lr: [1e-3, 1e-2]
              weight_decay: [0.0, 1.0]
            """);
        OutDir = Path.Combine(_work.Path, "out");
        var (code, stdout, stderr) = Cli.Run(TimeSpan.FromMinutes(2), "run", spec, "--out", OutDir, "--slots", "2");
        if (code != 0) throw new InvalidOperationException($"grokking run exited {code}: {stderr}\n{stdout}");
        RunOutput = stdout;
    }

    public string OutDir { get; }

    public string SweepDir => Path.Combine(OutDir, "sweep=tiny");

    /// <summary>What `grokking run` printed with its output redirected.</summary>
    public string RunOutput { get; }

    public void Dispose() => _work.Dispose();
}
