namespace Grokking.Silo.Tests.Cluster;

[Collection(GrokkingClusterCollection.Name)]
public sealed class RunsTableTests(GrokkingCluster cluster)
{
    [Fact]
    public async Task A_finished_sweep_writes_runs_parquet_with_one_row_per_run()
    {
        var spec = new NoopSweepSpec("runs-table") { Runs = 5 };
        var sweep = cluster.Sweep(spec.Name);
        var submitted = await sweep.Submit(spec.Submission);
        Assert.True(submitted.Accepted, submitted.Error);
        await cluster.WaitFinishedAsync(spec.Name, TimeSpan.FromSeconds(30));
        var runIds = (await sweep.GetRuns()).Select(r => r.RunId).Order(StringComparer.Ordinal).ToList();

        var path = await sweep.WriteRunsTable();

        Assert.True(File.Exists(path), $"WriteRunsTable returned {path}, which does not exist");
        var rows = DuckDb.Rows($"SELECT run_id, status FROM read_parquet({DuckDb.Literal(path)}) ORDER BY run_id")
            .Select(r => (RunId: (string)r[0], Status: (string)r[1]))
            .ToList();

        Assert.Equal(runIds, rows.Select(r => r.RunId).Order(StringComparer.Ordinal).ToList());
        Assert.All(rows, r => Assert.Equal("done", r.Status));
    }
}
