using Grokking.Grains.Specs;
using Parquet;
using Parquet.Schema;

namespace Grokking.Grains.Sweeps;

/// <summary>One resolved setting of every run as a typed, nullable runs.parquet column.</summary>
internal abstract class SettingColumn
{
    public abstract DataField Field { get; }

    public abstract Task WriteAsync(ParquetRowGroupWriter rowGroup, CancellationToken ct);

    /// <summary>A column of <paramref name="type"/>'s Parquet type holding <paramref name="values"/> (ints widened to long).</summary>
    public static SettingColumn For(string name, SpecFieldType type, object?[] values) => type switch
    {
        SpecFieldType.Integer => new Values<long>(name, values.Select(v => v is null ? (long?)null : Convert.ToInt64(v)).ToArray()),
        SpecFieldType.Number => new Values<double>(name, values.Select(v => (double?)v).ToArray()),
        SpecFieldType.Boolean => new Values<bool>(name, values.Select(v => (bool?)v).ToArray()),
        _ => new Text(name, values.Select(v => (string?)v).ToArray()),
    };

    private sealed class Values<T>(string name, T?[] values) : SettingColumn where T : struct
    {
        private readonly DataField<T?> _field = new(name);

        public override DataField Field => _field;

        public override Task WriteAsync(ParquetRowGroupWriter rowGroup, CancellationToken ct) =>
            rowGroup.WriteAsync<T>(_field, values, cancellationToken: ct);
    }

    private sealed class Text(string name, string?[] values) : SettingColumn
    {
        private readonly DataField<string> _field = new(name, nullable: true);

        public override DataField Field => _field;

        public override Task WriteAsync(ParquetRowGroupWriter rowGroup, CancellationToken ct) => rowGroup.WriteAsync(_field, values);
    }
}
