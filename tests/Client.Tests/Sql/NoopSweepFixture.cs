namespace Grokking.Client.Tests.Sql;

/// <summary>A finished 4-run noop sweep (grid lr × weight_decay, 300 steps each), made once with the real `grokking run`.</summary>
public sealed class NoopSweepFixture : IDisposable
{
    private readonly TempFolder _work = new();

    public NoopSweepFixture()
    {
        (OutDir, _) = Cli.RunSweep(_work.Path, "tiny", """
            name: tiny
            task: { kind: noop }
            model: { kind: mlp }
            training: { steps: 300, eval_every: 10, rank_every: 100, checkpoint_every: 100 }
            grid:
              lr: [1e-3, 1e-2]
              weight_decay: [0.0, 1.0]
            """);
    }

    /// <summary>The output folder given to `grokking run`; it holds this one sweep.</summary>
    public string OutDir { get; }

    public string SweepDir => Path.Combine(OutDir, "sweep=tiny");

    /// <summary>A fresh folder for a test to build other layouts in; removed with the fixture.</summary>
    public string NewFolder()
    {
        var folder = Path.Combine(_work.Path, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    public void Dispose() => _work.Dispose();
}
