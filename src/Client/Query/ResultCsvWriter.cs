namespace Grokking.Client.Query;

/// <summary>Writes a query result as RFC 4180 CSV: a header row, CRLF line ends, NULL as an empty field.</summary>
public static class ResultCsvWriter
{
    /// <summary>Writes the header and up to <paramref name="limit"/> rows (all when null); returns how many rows were left out.</summary>
    public static long Write(TextWriter output, QueryResult result, long? limit)
    {
        if (result.Columns.Count == 0) return 0;
        WriteRecord(output, result.Columns);
        long written = 0;
        while (written < (limit ?? long.MaxValue) && result.ReadRow() is { } row)
        {
            WriteRecord(output, row.Select(CellText.Format));
            written++;
        }
        return written < (limit ?? long.MaxValue) ? 0 : result.SkipRest();
    }

    private static void WriteRecord(TextWriter output, IEnumerable<string?> fields)
    {
        var first = true;
        foreach (var field in fields)
        {
            if (!first) output.Write(',');
            first = false;
            output.Write(Field(field));
        }
        output.Write("\r\n");
    }

    // An empty string is written as "" so that it reads back apart from NULL, which is an empty field.
    private static string Field(string? text) =>
        text is null ? ""
        : text.Length > 0 && text.IndexOfAny([',', '"', '\r', '\n']) < 0 ? text
        : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
