using Grokking.Client.Plots;

namespace Grokking.Client.Tests.Plots;

public sealed class PhaseDiagramTests : IDisposable
{
    private static readonly string[] LiuPhases = ["comprehension", "grokking", "memorization", "confusion"];

    private readonly TempFolder _work = new();

    [Fact]
    public void A_diverged_run_has_its_own_colour_and_short_label()
    {
        var diverged = PhaseDiagram.PhaseColor("diverged");
        Assert.All(LiuPhases, p => Assert.NotEqual(PhaseDiagram.PhaseColor(p), diverged));
        // Not the colour a phase unknown to the diagram gets.
        Assert.NotEqual(PhaseDiagram.PhaseColor("no-such-phase"), diverged);
        Assert.Equal("div.", PhaseDiagram.ShortPhaseName("diverged"));
        Assert.Equal([.. LiuPhases, "diverged"], PhaseGrid.Phases);
    }

    /// <summary>A one-axis sweep over lr with three seeds per value; rows are (i, lr, seed, step_val_99, phase).</summary>
    private SweepResults Sweep(string name, string rows)
    {
        var folder = Path.Combine(_work.Path, $"sweep={name}");
        Directory.CreateDirectory(folder);
        DuckDb.Rows($"""
            COPY (SELECT '{name}' AS sweep_id, 'r' || i AS run_id, i::INTEGER AS run_index, 'done' AS status, 0 AS failures, lr, seed,
                         400::BIGINT AS steps_trained, 50::BIGINT AS step_train_99, s::BIGINT AS step_val_99,
                         (s - 50)::BIGINT AS grokking_gap, phase, 0.5 AS final_val_acc, 0.5 AS max_val_acc
                  FROM (VALUES {rows}) AS t(i, lr, seed, s, phase))
            TO '{Path.Combine(folder, "runs.parquet")}' (FORMAT parquet)
            """);
        return SweepResults.Load(folder);
    }

    [Fact]
    public void Diverged_cells_are_drawn_and_keyed_in_their_own_colour_only_where_runs_diverged()
    {
        // At 1e-2 one seed of three diverges and the others grok; at 1e-1 two of three diverge.
        using var sweep = Sweep("blowup", """
            (0, 1e-2, 0, 300, 'grokking'), (1, 1e-2, 1, NULL, 'diverged'), (2, 1e-2, 2, 200, 'grokking'),
            (3, 1e-1, 0, NULL, 'diverged'), (4, 1e-1, 1, NULL, 'diverged'), (5, 1e-1, 2, 100, 'comprehension')
            """);
        var grid = PhaseGrid.Build(sweep, sweep.Axes[0], null, PhaseMetric.Phase);
        Assert.Equal(["grokking", "diverged"], Enumerable.Range(0, 2).Select(c => grid[c, 0].Phase));
        var key = Assert.Single(PhaseDiagram.Legend(grid), i => i.LabelText.StartsWith("diverged", StringComparison.Ordinal));
        Assert.Equal(PhaseDiagram.PhaseColor("diverged"), key.FillColor);
        var png = Path.Combine(_work.Path, "phase-blowup.png");
        PhaseDiagram.Save(grid, sweep.Name, png);
        Assert.Equal((PhaseDiagram.Width, PhaseDiagram.Height(grid)), PngFile.Size(png));

        // One diverged seed of three does not make a cell diverged, and a key entry for no cell would only confuse.
        using var calm = Sweep("calm", "(0, 1e-2, 0, 300, 'grokking'), (1, 1e-2, 1, NULL, 'diverged'), (2, 1e-2, 2, 200, 'grokking')");
        var calmGrid = PhaseGrid.Build(calm, calm.Axes[0], null, PhaseMetric.Phase);
        Assert.Equal(LiuPhases, PhaseDiagram.Legend(calmGrid).Select(i => i.LabelText));
    }

    public void Dispose() => _work.Dispose();
}
