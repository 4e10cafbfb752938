using DuckDB.NET.Data;

namespace Grokking.Grains.Tests.Metrics;

/// <summary>Reads the metric datasets back the way an analyst would: DuckDB over hive-partitioned globs.</summary>
internal static class MetricsDuckDb
{
    public static string MetricsGlob(string outDir) =>
        $"read_parquet('{outDir}/sweep=*/metrics/run=*/*.parquet', hive_partitioning = true)";

    public static string LayersGlob(string outDir) =>
        $"read_parquet('{outDir}/sweep=*/layers/run=*/*.parquet', hive_partitioning = true)";

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

    /// <summary>(name, type) of each column the query yields, in order.</summary>
    public static List<(string Name, string Type)> Describe(string source) =>
        Rows($"DESCRIBE SELECT * FROM {source}").Select(r => ((string)r[0], (string)r[1])).ToList();

    public static T Scalar<T>(string sql) => (T)Rows(sql).Single().Single();
}
