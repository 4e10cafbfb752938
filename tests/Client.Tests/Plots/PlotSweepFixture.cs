namespace Grokking.Client.Tests.Plots;

/// <summary>
/// A finished 4-run noop sweep (lr × weight_decay, 400 steps, evaluated every 10, layers every 100) made once with
/// the real `grokking run`; the noop task's curve is grokking-shaped, so every figure has something to draw.
/// </summary>
public sealed class PlotSweepFixture : IDisposable
{
    public const string Name = "plotdemo";

    private readonly TempFolder _work = new();

    public PlotSweepFixture()
    {
        (OutDir, RunOutput) = Cli.RunSweep(_work.Path, Name, $$"""
            name: {{Name}}
            task: { kind: noop }
            model: { kind: mlp }
            training: { steps: 400, eval_every: 10, rank_every: 100, checkpoint_every: 200 }
            grid:
              lr: [1e-3, 1e-2]
              weight_decay: [0.0, 1.0]
            """);
        RunIds = DuckDb.Rows($"SELECT run_id FROM read_parquet('{RunsTable}', hive_partitioning = false) ORDER BY run_index")
            .Select(r => (string)r[0]).ToList();
    }

    public string OutDir { get; }

    public string SweepDir => Path.Combine(OutDir, $"sweep={Name}");

    public string RunsTable => Path.Combine(SweepDir, "runs.parquet");

    /// <summary>What `grokking run` printed.</summary>
    public string RunOutput { get; }

    /// <summary>The four run ids in grid order.</summary>
    public IReadOnlyList<string> RunIds { get; }

    /// <summary>A path for a test's own output, not yet created; removed with the fixture.</summary>
    public string NewPath() => Path.Combine(_work.Path, Guid.NewGuid().ToString("N"));

    /// <summary>
    /// A sweep folder <c>sweep=NAME</c> under a new folder whose runs.parquet is the result of <paramref name="select"/>
    /// over this sweep's runs table (named <c>runs</c>): another grid shape, or an unfinished sweep.
    /// </summary>
    public string DerivedSweep(string name, string select)
    {
        var folder = Path.Combine(NewPath(), $"sweep={name}");
        Directory.CreateDirectory(folder);
        DuckDb.Rows($"COPY (WITH runs AS (SELECT * FROM read_parquet('{RunsTable}', hive_partitioning = false)) {select}) " +
            $"TO '{Path.Combine(folder, "runs.parquet")}' (FORMAT parquet)");
        return folder;
    }

    public void Dispose() => _work.Dispose();
}
