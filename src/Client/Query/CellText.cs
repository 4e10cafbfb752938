using System.Collections;
using System.Globalization;
using System.Text;

namespace Grokking.Client.Query;

/// <summary>
/// A query value as text, the same on every machine: invariant culture, shortest round-trip numbers, ISO dates,
/// and DuckDB's own notation for lists, structs, maps and blobs rather than .NET type names.
/// </summary>
internal static class CellText
{
    /// <summary>The text of <paramref name="value"/>; null for SQL NULL, so callers choose how to show it.</summary>
    public static string? Format(object? value) => value is null or DBNull ? null : NonNull(value);

    private static string NonNull(object value) => value switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        // "R" keeps every digit a float64 carries, so CSV read back compares equal to the Parquet value.
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFzzz", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        TimeOnly t => t.ToString("HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture),
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        Stream s => Blob(s),
        byte[] bytes => Blob(new MemoryStream(bytes)),
        IDictionary map => "{" + string.Join(", ", map.Keys.Cast<object>().Select(k => $"{Nested(k)}: {Nested(map[k])}")) + "}",
        IEnumerable list => "[" + string.Join(", ", list.Cast<object?>().Select(Nested)) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Nested(object? value) => Format(value) ?? "NULL";

    // DuckDB prints blobs as text with \xNN for each byte outside printable ASCII.
    private static string Blob(Stream stream)
    {
        var text = new StringBuilder();
        int b;
        while ((b = stream.ReadByte()) >= 0)
            text.Append(b is >= 0x20 and < 0x7f and not '\\' ? ((char)b).ToString() : $"\\x{b:X2}");
        return text.ToString();
    }
}
