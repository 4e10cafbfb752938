using System.CommandLine;
using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using Grokking.Client.Query;
using Spectre.Console;

namespace Grokking.Client.Commands;

/// <summary>`grokking sql SWEEP_DIR "SELECT ..."`: DuckDB over a sweep's dataset, with views metrics, layers and runs.</summary>
public static class SqlCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("sweep-dir") { Description = "Sweep folder (OUT/sweep=NAME), or an output folder holding one sweep." };
        var sql = new Argument<string>("query") { Description = "SQL over the views metrics, layers and runs." };
        var csv = new Option<bool>("--csv") { Description = "Print CSV (header row, NULL as empty) instead of a table." };
        var limit = new Option<int>("--limit") { Description = "Rows printed as a table (CSV prints all).", DefaultValueFactory = _ => 100 };
        var command = new Command("sql", "Query a sweep's Parquet dataset with DuckDB (views: metrics, layers, runs).") { folder, sql, csv, limit };
        command.SetAction(r => Execute(r.GetValue(folder)!, r.GetValue(sql)!, r.GetValue(csv), r.GetValue(limit)));
        return command;
    }

    private static int Execute(string folder, string sql, bool csv, int limit)
    {
        SweepDatabase database;
        try
        {
            database = SweepDatabase.Open(folder);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        using (database)
        {
            IReadOnlyList<string> columns;
            IReadOnlyList<object[]> rows;
            try
            {
                (columns, rows) = database.Query(sql);
            }
            catch (DuckDBException e)
            {
                Console.Error.WriteLine($"error: {e.Message.ReplaceLineEndings(" ")} (views: metrics, layers, runs)");
                return ExitCodes.BadInput;
            }
            if (csv) WriteCsv(columns, rows);
            else WriteTable(columns, rows, limit);
            return ExitCodes.Success;
        }
    }

    private static void WriteTable(IReadOnlyList<string> columns, IReadOnlyList<object[]> rows, int limit)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in columns) table.AddColumn(Markup.Escape(column));
        foreach (var row in rows.Take(limit)) table.AddRow(row.Select(v => Markup.Escape(Format(v))).ToArray());
        AnsiConsole.Write(table);
        if (rows.Count > limit) AnsiConsole.MarkupLineInterpolated($"{rows.Count - limit} more rows not shown (--limit, or --csv for all)");
    }

    private static void WriteCsv(IReadOnlyList<string> columns, IReadOnlyList<object[]> rows)
    {
        var output = new StringBuilder();
        output.AppendLine(string.Join(',', columns.Select(Quote)));
        foreach (var row in rows) output.AppendLine(string.Join(',', row.Select(v => Quote(Format(v)))));
        Console.Out.Write(output.ToString());
    }

    private static string Format(object value) => value switch
    {
        DBNull => "",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Quote(string text) =>
        text.IndexOfAny([',', '"', '\n', '\r']) < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
