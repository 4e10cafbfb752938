using DuckDB.NET.Data;
using Grokking.Grains.Storage;

namespace Grokking.TestSupport;

/// <summary>Reads the Parquet output back the way an analyst would: DuckDB over the output folder's layout.</summary>
public static class DuckDb
{
    /// <summary>Every row of the query, each value as DuckDB.NET returns it (DBNull for NULL).</summary>
    public static List<object[]> Rows(string sql)
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object[]>();
        while (reader.Read())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>The single value of a one-row, one-column query.</summary>
    public static T Scalar<T>(string sql) => (T)Rows(sql).Single().Single();

    /// <summary>(name, DuckDB type) of each column <paramref name="source"/> yields, in order.</summary>
    public static List<(string Name, string Type)> Describe(string source) =>
        Rows($"DESCRIBE SELECT * FROM {source}").Select(r => ((string)r[0], (string)r[1])).ToList();

    /// <summary>(name, Parquet physical type, REQUIRED or OPTIONAL) of each column stored in one Parquet file, in order.</summary>
    public static List<(string Name, string PhysicalType, string Repetition)> ParquetColumns(string file) =>
        Rows($"SELECT name, type, repetition_type FROM parquet_schema({Literal(file)}) WHERE num_children IS NULL OR num_children = 0")
            .Select(r => ((string)r[0], (string)r[1], (string)r[2]))
            .ToList();

    /// <summary>Every metrics segment of every sweep under <paramref name="outDir"/>, with the hive columns sweep and run.</summary>
    public static string Metrics(string outDir) => Dataset(outDir, "*", OutputLayout.MetricsDataset);

    /// <summary>Every layers segment of every sweep under <paramref name="outDir"/>, with the hive columns sweep and run.</summary>
    public static string Layers(string outDir) => Dataset(outDir, "*", OutputLayout.LayersDataset);

    /// <summary>One sweep's metrics segments, with the hive columns sweep and run.</summary>
    public static string Metrics(string outDir, string sweepId) => Dataset(outDir, sweepId, OutputLayout.MetricsDataset);

    /// <summary>One sweep's runs.parquet, without hive columns (its sweep_id column already says the sweep).</summary>
    public static string Runs(string outDir, string sweepId) =>
        $"read_parquet({Literal(OutputLayout.RunsTable(outDir, sweepId))}, hive_partitioning = false)";

    /// <summary>A path or text as a SQL string literal.</summary>
    public static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string Dataset(string outDir, string sweepId, string dataset) =>
        $"read_parquet({Literal(OutputLayout.SegmentsGlob(OutputLayout.DatasetFolderIn(OutputLayout.SweepFolder(outDir, sweepId), dataset)))}, hive_partitioning = true)";
}
