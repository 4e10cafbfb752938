using Parquet;
using Parquet.Schema;

namespace Grokking.Grains.Storage;

/// <summary>One column of a Parquet table: its name, type and nullability (its <see cref="Field"/>) and how a row's value is read.</summary>
/// <remarks>Made by the factories here, or by one line of a <see cref="ParquetTable{TRow}"/> initializer.</remarks>
public abstract class ParquetColumn<TRow>
{
    private ParquetColumn()
    {
    }

    /// <summary>The schema entry: column name, CLR type (which sets the Parquet type) and nullability.</summary>
    public abstract DataField Field { get; }

    public string Name => Field.Name;

    /// <summary>A required column of a value type (int, long, double, bool, ...).</summary>
    public static ParquetColumn<TRow> Value<T>(string name, Func<TRow, T> get) where T : struct => new Required<T>(name, get);

    /// <summary>An optional column of a value type: a null from <paramref name="get"/> is NULL in the file.</summary>
    public static ParquetColumn<TRow> Value<T>(string name, Func<TRow, T?> get) where T : struct => new Optional<T>(name, get);

    /// <summary>A text (UTF-8) column, required or optional as <paramref name="presence"/> says.</summary>
    public static ParquetColumn<TRow> Text(string name, Func<TRow, string?> get, Presence presence) => new TextColumn(name, get, presence);

    /// <summary>Reads this column's value from every row and writes them as one column chunk.</summary>
    internal abstract Task WriteAsync(ParquetRowGroupWriter rowGroup, IReadOnlyList<TRow> rows, CancellationToken ct);

    /// <summary>The same column with a field of its own (see <see cref="ParquetTable{TRow}"/>).</summary>
    internal abstract ParquetColumn<TRow> Copy();

    private sealed class Required<T>(string name, Func<TRow, T> get) : ParquetColumn<TRow> where T : struct
    {
        private readonly DataField<T> _field = new(name);

        public override DataField Field => _field;

        internal override ParquetColumn<TRow> Copy() => new Required<T>(name, get);

        internal override Task WriteAsync(ParquetRowGroupWriter rowGroup, IReadOnlyList<TRow> rows, CancellationToken ct)
        {
            var values = new T[rows.Count];
            for (int i = 0; i < values.Length; i++) values[i] = get(rows[i]);
            return rowGroup.WriteAsync<T>(_field, values, cancellationToken: ct);
        }
    }

    private sealed class Optional<T>(string name, Func<TRow, T?> get) : ParquetColumn<TRow> where T : struct
    {
        private readonly DataField<T?> _field = new(name);

        public override DataField Field => _field;

        internal override ParquetColumn<TRow> Copy() => new Optional<T>(name, get);

        internal override Task WriteAsync(ParquetRowGroupWriter rowGroup, IReadOnlyList<TRow> rows, CancellationToken ct)
        {
            var values = new T?[rows.Count];
            for (int i = 0; i < values.Length; i++) values[i] = get(rows[i]);
            return rowGroup.WriteAsync<T>(_field, values, cancellationToken: ct);
        }
    }

    private sealed class TextColumn(string name, Func<TRow, string?> get, Presence presence) : ParquetColumn<TRow>
    {
        private readonly DataField<string> _field = new(name, nullable: presence == Presence.Optional);

        public override DataField Field => _field;

        internal override ParquetColumn<TRow> Copy() => new TextColumn(name, get, presence);

        internal override Task WriteAsync(ParquetRowGroupWriter rowGroup, IReadOnlyList<TRow> rows, CancellationToken ct)
        {
            var values = new string?[rows.Count];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = get(rows[i]);
                if (values[i] is null && presence == Presence.Required)
                    throw new InvalidOperationException($"Column {name} is required, but row {i} has no value for it.");
            }
            return rowGroup.WriteAsync(_field, values);
        }
    }
}
