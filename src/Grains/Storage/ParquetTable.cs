using System.Collections;
using Parquet;
using Parquet.Schema;

namespace Grokking.Grains.Storage;

/// <summary>A Parquet table defined once as a list of columns, one line each; its schema and its writing both follow from that list.</summary>
/// <remarks>
/// <code>
/// public static readonly ParquetTable&lt;MetricRow&gt; Metrics = new()
/// {
///     { "step", r => r.Step.Step },                         // long: required INT64
///     { "val_loss", r => r.Step.ValLoss },                  // double?: optional DOUBLE
///     { "run_id", r => r.RunId, Presence.Required },        // text says whether it may be null
/// };
/// </code>
/// Columns are added while the table is defined, then only read (safely from many threads). A name used twice is refused.
/// </remarks>
public sealed class ParquetTable<TRow> : IEnumerable<ParquetColumn<TRow>>
{
    private readonly List<ParquetColumn<TRow>> _columns = [];
    private ParquetSchema? _schema;

    /// <summary>An empty table, to fill with a collection initializer.</summary>
    public ParquetTable()
    {
    }

    /// <summary>A table of <paramref name="columns"/>, in order (e.g. fixed columns around columns known only at run time).</summary>
    /// <remarks>
    /// Each column is copied with a field of its own: Parquet.Net sets a field's path and levels when a schema is built
    /// over it, so a field shared by two tables built on two threads (two sweeps writing their runs tables) could be
    /// seen half set by a writer, and a file written with wrong levels is unreadable.
    /// </remarks>
    public ParquetTable(IEnumerable<ParquetColumn<TRow>> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        foreach (var column in columns) Add(column.Copy());
    }

    /// <summary>The columns in file order.</summary>
    public IReadOnlyList<ParquetColumn<TRow>> Columns => _columns;

    /// <summary>The file schema: every column's field, in order; built once, on first use, after which the table
    /// takes no more columns. Concurrent writers share it and only read it.</summary>
    public ParquetSchema Schema
    {
        get
        {
            if (Volatile.Read(ref _schema) is { } built) return built;
            lock (_columns)
                return _schema ??= new ParquetSchema(_columns.Select(c => (Field)c.Field).ToArray());
        }
    }

    /// <exception cref="ArgumentException">The table already has a column of that name.</exception>
    public void Add(ParquetColumn<TRow> column)
    {
        ArgumentNullException.ThrowIfNull(column);
        if (_schema is not null)
            throw new InvalidOperationException($"The table's schema is already in use; column '{column.Name}' must be defined before the first write.");
        if (_columns.Any(c => c.Name == column.Name))
            throw new ArgumentException($"The table already has a column named '{column.Name}'; Parquet column names must be unique.", nameof(column));
        _columns.Add(column);
    }

    /// <inheritdoc cref="ParquetColumn{TRow}.Value{T}(string, Func{TRow, T})"/>
    public void Add<T>(string name, Func<TRow, T> get) where T : struct => Add(ParquetColumn<TRow>.Value(name, get));

    /// <inheritdoc cref="ParquetColumn{TRow}.Value{T}(string, Func{TRow, T?})"/>
    public void Add<T>(string name, Func<TRow, T?> get) where T : struct => Add(ParquetColumn<TRow>.Value(name, get));

    /// <inheritdoc cref="ParquetColumn{TRow}.Text"/>
    public void Add(string name, Func<TRow, string?> get, Presence presence) => Add(ParquetColumn<TRow>.Text(name, get, presence));

    /// <summary>Writes <paramref name="rows"/> to <paramref name="stream"/> as a Parquet file of one row group.</summary>
    public async Task WriteAsync(Stream stream, IReadOnlyList<TRow> rows, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rows);
        await using var writer = await ParquetWriter.CreateAsync(Schema, stream, cancellationToken: ct);
        using var rowGroup = writer.CreateRowGroup();
        foreach (var column in _columns)
            await column.WriteAsync(rowGroup, rows, ct);
        rowGroup.CompleteValidate();
    }

    public IEnumerator<ParquetColumn<TRow>> GetEnumerator() => _columns.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
