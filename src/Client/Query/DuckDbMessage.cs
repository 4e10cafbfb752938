using DuckDB.NET.Data;

namespace Grokking.Client.Query;

/// <summary>DuckDB's error message as one line, for an <c>error: ...</c> line on stderr.</summary>
internal static class DuckDbMessage
{
    /// <summary>
    /// The message's lines joined with spaces, without DuckDB's "LINE 1: ..." echo of the query and its caret,
    /// which point at a column only when printed on their own lines.
    /// </summary>
    public static string OneLine(DuckDBException exception)
    {
        var lines = exception.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var kept = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith("LINE ", StringComparison.Ordinal))
            {
                if (i + 1 < lines.Length && lines[i + 1] == "^") i++;
                continue;
            }
            kept.Add(lines[i]);
        }
        return kept.Count == 0 ? exception.Message.ReplaceLineEndings(" ").Trim() : string.Join(' ', kept);
    }
}
