using System.Globalization;
using Spectre.Console;

namespace Grokking.Client.Query;

/// <summary>Prints a query result as a Spectre.Console table: at most a given number of rows, and columns that fit.</summary>
public static class ResultTableWriter
{
    // A column counts at most this wide when deciding which columns fit a terminal; wider text wraps in its cell.
    private const int FitWidth = 32;

    /// <summary>
    /// Writes up to <paramref name="limit"/> rows of <paramref name="result"/> to <paramref name="console"/>, then says how
    /// many rows (and, on a terminal, columns) were left out. With <paramref name="onTerminal"/> false (a pipe or a log,
    /// which has no width) the table is as wide as its content instead of being squeezed into 80 columns.
    /// </summary>
    public static void Write(IAnsiConsole console, QueryResult result, int limit, bool onTerminal)
    {
        if (result.Columns.Count == 0) return;
        var rows = new List<string?[]>();
        while (rows.Count < limit && result.ReadRow() is { } row) rows.Add(row.Select(CellText.Format).ToArray());
        long omittedRows = rows.Count < limit ? 0 : result.SkipRest();

        var natural = result.Columns.Select((name, i) => Math.Max(Width(name), rows.Select(r => Width(r[i] ?? "NULL")).DefaultIfEmpty(0).Max())).ToList();
        int shown = result.Columns.Count;
        if (onTerminal)
        {
            shown = 0;
            int total = 1;
            foreach (var (name, width) in result.Columns.Zip(natural))
            {
                total += Math.Min(width, Math.Max(Width(name), FitWidth)) + 3;
                if (total > console.Profile.Width && shown > 0) break;
                shown++;
            }
        }
        else
        {
            console.Profile.Width = Math.Max(console.Profile.Width, natural.Sum() + 3 * natural.Count + 1);
        }

        var table = new Table().Border(TableBorder.Rounded);
        for (var i = 0; i < shown; i++)
        {
            var column = new TableColumn(new Text(result.Columns[i]));
            table.AddColumn(result.IsNumeric[i] ? column.RightAligned() : column);
        }
        foreach (var row in rows)
            table.AddRow(row.Take(shown).Select(v => v is null ? new Text("NULL", new Style(Color.Grey)) : new Text(v)));
        console.Write(table);

        long totalRows = rows.Count + omittedRows;
        if (omittedRows > 0)
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{omittedRows:N0} more rows not shown ({rows.Count:N0} of {totalRows:N0}; --limit N shows more, --csv all)"));
        else if (rows.Count == 0)
            console.WriteLine("0 rows");
        if (shown < result.Columns.Count)
            console.WriteLine($"{result.Columns.Count - shown} of {result.Columns.Count} columns not shown for the terminal's width: " +
                $"{string.Join(", ", result.Columns.Skip(shown))} (select fewer columns, or use --csv)");
    }

    private static int Width(string text) => text.Split('\n').Max(line => line.Length);
}
