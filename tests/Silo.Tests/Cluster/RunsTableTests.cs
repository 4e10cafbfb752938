using DuckDB.NET.Data;

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
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT run_id, status FROM read_parquet('{path.Replace("'", "''")}') ORDER BY run_id";
        var rows = new List<(string RunId, string Status)>();
        using (var reader = command.ExecuteReader())
            while (reader.Read()) rows.Add((reader.GetString(0), reader.GetString(1)));

        Assert.Equal(runIds, rows.Select(r => r.RunId).Order(StringComparer.Ordinal).ToList());
        Assert.All(rows, r => Assert.Equal("done", r.Status));
    }
}
