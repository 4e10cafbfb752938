using DuckDB.NET.Data;

namespace Grokking.Client.Tests;

/// <summary>Queries the Parquet output with DuckDB, as an analyst would.</summary>
internal static class DuckDb
{
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

    public static string Metrics(string outDir) =>
        $"read_parquet('{outDir}/sweep=*/metrics/run=*/*.parquet', hive_partitioning = true)";

    public static string Layers(string outDir) =>
        $"read_parquet('{outDir}/sweep=*/layers/run=*/*.parquet', hive_partitioning = true)";
}
