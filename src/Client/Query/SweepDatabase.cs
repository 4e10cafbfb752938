using DuckDB.NET.Data;

namespace Grokking.Client.Query;

/// <summary>An in-memory DuckDB with views <c>metrics</c>, <c>layers</c> and <c>runs</c> over one sweep's Parquet dataset.</summary>
public sealed class SweepDatabase : IDisposable
{
    private readonly DuckDBConnection _connection = new("Data Source=:memory:");

    private SweepDatabase(string sweepFolder)
    {
        SweepFolder = sweepFolder;
        _connection.Open();
        Define("runs", Path.Combine(sweepFolder, "runs.parquet"), $"read_parquet('{Escape(Path.Combine(sweepFolder, "runs.parquet"))}')");
        foreach (var part in new[] { "metrics", "layers" })
        {
            var glob = Path.Combine(sweepFolder, part, "run=*", "*.parquet");
            if (Directory.Exists(Path.Combine(sweepFolder, part)) && Directory.EnumerateFiles(Path.Combine(sweepFolder, part), "*.parquet", SearchOption.AllDirectories).Any())
                Execute($"CREATE VIEW {part} AS SELECT * FROM read_parquet('{Escape(glob)}', hive_partitioning = true)");
        }
    }

    public string SweepFolder { get; }

    /// <summary>Opens the sweep at <paramref name="folder"/>: a <c>sweep=NAME</c> folder, or an output folder holding exactly one sweep.</summary>
    /// <exception cref="ArgumentException">The folder holds no sweep (or several), with what was found.</exception>
    public static SweepDatabase Open(string folder)
    {
        var full = Path.GetFullPath(folder);
        if (!Directory.Exists(full)) throw new ArgumentException($"{full} does not exist; give a sweep folder such as runs/sweep=quick.");
        if (!File.Exists(Path.Combine(full, "runs.parquet")))
        {
            var sweeps = Directory.GetDirectories(full, "sweep=*").Where(d => File.Exists(Path.Combine(d, "runs.parquet"))).ToList();
            if (sweeps.Count != 1)
                throw new ArgumentException(sweeps.Count == 0
                    ? $"{full} holds no sweep (no runs.parquet); give a sweep folder such as runs/sweep=quick."
                    : $"{full} holds {sweeps.Count} sweeps ({string.Join(", ", sweeps.Select(Path.GetFileName))}); give one of them.");
            full = sweeps[0];
        }
        return new SweepDatabase(full);
    }

    /// <summary>Runs a query; column names and rows (DBNull for NULL).</summary>
    public (IReadOnlyList<string> Columns, IReadOnlyList<object[]> Rows) Query(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var rows = new List<object[]>();
        while (reader.Read())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }
        return (columns, rows);
    }

    private void Define(string view, string file, string source)
    {
        if (File.Exists(file)) Execute($"CREATE VIEW {view} AS SELECT * FROM {source}");
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string Escape(string path) => path.Replace("'", "''", StringComparison.Ordinal);

    public void Dispose() => _connection.Dispose();
}
