namespace Grokking.Client.Tests;

/// <summary>A run ended by a stopping rule: its rows end at the stop step and runs.parquet says which rule ended it.</summary>
public sealed class StopReasonTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Runs_stopped_once_their_phase_is_decided_end_there_and_say_why()
    {
        // Noop runs fit at a tenth of the budget and generalise around half of it; phase_decided stops them there.
        var (outDir, _) = Cli.RunSweep(_folder.Path, "decided", """
            name: decided
            task: { kind: noop }
            training: { steps: 400, eval_every: 10, checkpoint_every: 50, rank_every: 0, phase_gap: 50, stop: { phase_decided: true } }
            grid:
              seed: [0, 1]
            """);
        var rows = DuckDb.Rows($"""
            SELECT r.run_id, r.stop_reason, r.stopped_early, r.steps_trained, max(m.step), count(*), r.phase
            FROM read_parquet('{Path.Combine(outDir, "sweep=decided", "runs.parquet")}') r
            JOIN {DuckDb.Metrics(outDir)} m ON m.run_id = r.run_id
            GROUP BY ALL
            """);
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r =>
        {
            Assert.Equal("phase_decided", r[1]);
            Assert.Equal(true, r[2]);
            var stoppedAt = Convert.ToInt64(r[3]);
            Assert.InRange(stoppedAt, 150, 300);
            Assert.Equal(stoppedAt, Convert.ToInt64(r[4]));
            Assert.Equal(stoppedAt, Convert.ToInt64(r[5]));
            Assert.Equal("grokking", r[6]);
        });
    }
}
