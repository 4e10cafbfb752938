using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;
using Grokking.Client.Query;
using Spectre.Console;

namespace Grokking.Client.Commands;

/// <summary>`grokking sql SWEEP_DIR "SELECT ..."`: DuckDB over a sweep's dataset, with views metrics, layers and runs.</summary>
public static class SqlCommand
{
    private const int DefaultTableRows = 100;

    public static Command Create()
    {
        var folder = new Argument<string>("sweep-dir") { Description = "Sweep folder (OUT/sweep=NAME), or an output folder holding one sweep." };
        var sql = new Argument<string>("query") { Description = "SQL over the views metrics, layers and runs (see docs/ANALYSIS.md)." };
        var csv = new Option<bool>("--csv") { Description = "Print RFC 4180 CSV (header row, NULL as an empty field) instead of a table." };
        var limit = new Option<int?>("--limit")
        {
            Description = $"Rows printed at most (default {DefaultTableRows} for a table, all for --csv); the rest are counted.",
            // Parsed here rather than validated after: a validator reading a value that failed to parse throws.
            CustomParser = r =>
            {
                var text = r.Tokens.Count == 1 ? r.Tokens[0].Value : "";
                if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var rows) && rows >= 1) return rows;
                r.AddError($"--limit '{text}': give a whole number of rows, at least 1 (leave it out with --csv for every row).");
                return null;
            },
        };
        var command = new Command("sql", "Query a sweep's Parquet dataset with DuckDB (views: metrics, layers, runs).") { folder, sql, csv, limit };
        command.SetAction(r => Execute(r.GetValue(folder)!, r.GetValue(sql)!, r.GetValue(csv), r.GetValue(limit)));
        return command;
    }

    private static int Execute(string folder, string sql, bool csv, int? limit)
    {
        if (string.IsNullOrWhiteSpace(sql))
        {
            Console.Error.WriteLine("error: the query is empty; give one SQL statement, e.g. \"SELECT * FROM runs\".");
            return ExitCodes.BadInput;
        }
        SweepDatabase database;
        try
        {
            database = SweepDatabase.Open(folder);
        }
        catch (SweepDatasetException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        using (database)
        {
            try
            {
                using var result = database.Query(sql);
                if (csv)
                {
                    // One buffered UTF-8 writer: CSV of a whole metrics table is millions of small writes.
                    using var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16);
                    var omitted = ResultCsvWriter.Write(output, result, limit);
                    output.Flush();
                    // On stderr, so that what is piped on is CSV only.
                    if (omitted > 0) Console.Error.WriteLine($"{omitted} more rows not shown (--limit {limit}).");
                }
                else
                {
                    ResultTableWriter.Write(AnsiConsole.Console, result, limit ?? DefaultTableRows, onTerminal: !Console.IsOutputRedirected);
                }
                return ExitCodes.Success;
            }
            catch (DuckDBException e)
            {
                Console.Error.WriteLine($"error: {DuckDbMessage.OneLine(e)}{ViewHint(database, e.Message)}");
                return ExitCodes.BadInput;
            }
        }
    }

    // A query on a view that is not defined fails with DuckDB's "does not exist": say why it is missing,
    // or which views there are when the name is simply wrong.
    private static string ViewHint(SweepDatabase database, string message)
    {
        var unknown = Regex.Match(message, @"with name ""?(\w+)""? does not exist");
        if (!unknown.Success) return "";
        var name = unknown.Groups[1].Value;
        var defined = SweepDatabase.ViewNames.Where(v => !database.MissingViews.ContainsKey(v)).ToList();
        if (database.MissingViews.TryGetValue(name, out var where))
            return $" (view {name} is not defined: {where} holds no Parquet files yet; views defined: {string.Join(", ", defined)})";
        return $" (views: {string.Join(", ", defined)})";
    }
}
