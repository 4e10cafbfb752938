using Grokking.Grains.Specs;
using Grokking.Grains.Storage;

namespace Grokking.Grains.Sweeps;

/// <summary>The runs.parquet column of one resolved setting of every run: typed by the setting, nullable.</summary>
internal static class SettingColumn
{
    /// <summary>A column named <paramref name="column"/> holding each run's value at <paramref name="path"/>, of <paramref name="type"/>'s Parquet type (ints widened to long).</summary>
    public static ParquetColumn<RunRow> For(string column, string path, SpecFieldType type) => type switch
    {
        SpecFieldType.Integer => ParquetColumn<RunRow>.Value(column, r => Read(r, path) is { } v ? Convert.ToInt64(v) : (long?)null),
        SpecFieldType.Number => ParquetColumn<RunRow>.Value(column, r => (double?)Read(r, path)),
        SpecFieldType.Boolean => ParquetColumn<RunRow>.Value(column, r => (bool?)Read(r, path)),
        _ => ParquetColumn<RunRow>.Text(column, r => (string?)Read(r, path), Presence.Optional),
    };

    private static object? Read(RunRow row, string path) => ConfigFields.Read(row.Run.Config, path);
}
