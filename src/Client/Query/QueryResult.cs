using System.Numerics;
using DuckDB.NET.Data;

namespace Grokking.Client.Query;

/// <summary>A running query: its columns, and its rows read one at a time (DBNull for NULL).</summary>
public sealed class QueryResult : IDisposable
{
    private readonly DuckDBCommand _command;
    private readonly DuckDBDataReader _reader;

    internal QueryResult(DuckDBCommand command, DuckDBDataReader reader)
    {
        _command = command;
        _reader = reader;
        Columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        IsNumeric = Enumerable.Range(0, reader.FieldCount).Select(i => IsNumericType(reader.GetFieldType(i))).ToList();
    }

    /// <summary>Column names in result order; empty for a statement that returns no rows (CREATE, COPY ... TO).</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Per column, whether it holds numbers (a table right-aligns them).</summary>
    public IReadOnlyList<bool> IsNumeric { get; }

    /// <summary>Reads the next row into a new array; null at the end.</summary>
    /// <exception cref="DuckDBException">The query failed while producing this row.</exception>
    public object[]? ReadRow()
    {
        if (!_reader.Read()) return null;
        var row = new object[_reader.FieldCount];
        _reader.GetValues(row);
        return row;
    }

    /// <summary>Reads and discards the remaining rows; how many there were.</summary>
    public long SkipRest()
    {
        long count = 0;
        while (_reader.Read()) count++;
        return count;
    }

    public void Dispose()
    {
        _reader.Dispose();
        _command.Dispose();
    }

    private static bool IsNumericType(Type type) =>
        type == typeof(sbyte) || type == typeof(byte) || type == typeof(short) || type == typeof(ushort)
        || type == typeof(int) || type == typeof(uint) || type == typeof(long) || type == typeof(ulong)
        || type == typeof(float) || type == typeof(double) || type == typeof(decimal) || type == typeof(Half)
        || type == typeof(BigInteger) || type == typeof(Int128) || type == typeof(UInt128);
}
