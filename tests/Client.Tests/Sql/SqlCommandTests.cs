using System.Globalization;

namespace Grokking.Client.Tests.Sql;

/// <summary>`grokking sql` on a finished sweep, run as a separate process as a user would.</summary>
[Collection(NoopSweepCollection.Name)]
public sealed class SqlCommandTests(NoopSweepFixture sweep)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static (int Code, string Stdout, string Stderr) Sql(params string[] args) => Cli.Run(Timeout, ["sql", .. args]);

    /// <summary>Runs a query with --csv, expects success, and returns the records after the header.</summary>
    private static List<string?[]> CsvRows(string folder, string query)
    {
        var (code, stdout, stderr) = Sql(folder, query, "--csv");
        Assert.True(code == 0, $"exit {code}: {stderr}");
        return Rfc4180.Parse(stdout).Skip(1).ToList();
    }

    [Fact]
    public void Metrics_has_one_row_per_step_of_every_run()
    {
        Assert.Equal("1200", CsvRows(sweep.SweepDir, "SELECT count(*) FROM metrics").Single().Single());
    }

    [Fact]
    public void Runs_has_one_row_per_grid_point()
    {
        Assert.Equal("4", CsvRows(sweep.SweepDir, "SELECT count(*) FROM runs").Single().Single());
    }

    [Fact]
    public void Group_by_over_runs_uses_grid_axes_as_columns_and_the_output_folder_of_one_sweep_is_accepted()
    {
        var rows = CsvRows(sweep.OutDir, "SELECT weight_decay, count(*) AS n, min(status) AS status FROM runs GROUP BY weight_decay ORDER BY weight_decay");
        Assert.Equal([["0", "2", "done"], ["1", "2", "done"]], rows);
    }

    [Fact]
    public void Group_by_over_layers_joined_to_runs_counts_each_rank_measurement()
    {
        // rank_every 100 over 300 steps measures at steps 1, 100, 200 and 300; the noop model reports one layer.
        var rows = CsvRows(sweep.SweepDir,
            "SELECT r.lr, count(*) AS measurements, list_sort(list(DISTINCT l.step)) AS steps FROM layers l JOIN runs r USING (run_id) GROUP BY r.lr ORDER BY r.lr");
        Assert.Equal([["0.001", "8", "[1, 100, 200, 300]"], ["0.01", "8", "[1, 100, 200, 300]"]], rows);
    }

    [Fact]
    public void Csv_output_reads_back_as_the_values_queried()
    {
        var (code, stdout, stderr) = Sql(sweep.SweepDir,
            """SELECT 'a,b' AS "x,y", 'say "hi"' AS quote, 'two' || chr(10) || 'lines' AS newline, NULL AS nothing, '' AS empty, """ +
            "0.1::DOUBLE AS tenth, true AS yes, DATE '2024-01-02' AS day, [1, 2] AS list", "--csv");
        Assert.True(code == 0, stderr);
        Assert.Equal(
            [["x,y", "quote", "newline", "nothing", "empty", "tenth", "yes", "day", "list"], ["a,b", "say \"hi\"", "two\nlines", null, "", "0.1", "true", "2024-01-02", "[1, 2]"]],
            Rfc4180.Parse(stdout));
    }

    [Fact]
    public void Csv_of_the_runs_table_reads_back_with_typed_grid_columns()
    {
        var (code, stdout, stderr) = Sql(sweep.SweepDir, "SELECT * FROM runs ORDER BY run_index", "--csv");
        Assert.True(code == 0, stderr);
        var records = Rfc4180.Parse(stdout);
        var header = records[0].ToList();
        Assert.Equal(5, records.Count);
        Assert.All(records, r => Assert.Equal(header.Count, r.Length));
        Assert.Superset(new HashSet<string?> { "run_id", "lr", "weight_decay", "step_val_99", "grokking_gap", "phase" }, header.ToHashSet());
        var lrs = records.Skip(1).Select(r => double.Parse(r[header.IndexOf("lr")]!, CultureInfo.InvariantCulture)).Distinct().Order();
        Assert.Equal([1e-3, 1e-2], lrs);
    }

    [Fact]
    public void Csv_prints_every_row_unless_a_limit_is_given_and_then_counts_the_rest_on_stderr()
    {
        var (_, all, _) = Sql(sweep.SweepDir, "SELECT step FROM metrics", "--csv");
        Assert.Equal(1201, Rfc4180.Parse(all).Count);
        var (code, some, note) = Sql(sweep.SweepDir, "SELECT step FROM metrics", "--csv", "--limit", "10");
        Assert.Equal(0, code);
        Assert.Equal(11, Rfc4180.Parse(some).Count);
        Assert.Contains("1190 more rows not shown", note);
    }

    [Fact]
    public void A_table_is_printed_by_default_with_null_marked()
    {
        var (code, table, stderr) = Sql(sweep.SweepDir, "SELECT run_id, phase, error FROM runs ORDER BY run_index");
        Assert.True(code == 0, stderr);
        Assert.Contains("│ run_id", table);
        Assert.Contains("comprehension", table); // the noop curve generalises within the phase gap
        Assert.Contains("NULL", table); // no run failed, so error is NULL
    }

    [Fact]
    public void A_table_shows_100_rows_by_default_or_limit_rows_and_says_how_many_were_left_out()
    {
        var (_, defaultTable, _) = Sql(sweep.SweepDir, "SELECT step FROM metrics ORDER BY run_id, step");
        Assert.Contains("1,100 more rows not shown (100 of 1,200", defaultTable);
        var (code, table, _) = Sql(sweep.SweepDir, "SELECT step FROM metrics ORDER BY run_id, step", "--limit", "5");
        Assert.Equal(0, code);
        Assert.Contains("1,195 more rows not shown (5 of 1,200", table);
        Assert.Equal(5, table.Split('\n').Count(line => line.StartsWith("│ ", StringComparison.Ordinal)) - 1); // less the header
    }

    [Fact]
    public void A_wide_table_is_not_squeezed_when_the_output_is_not_a_terminal()
    {
        var runIds = CsvRows(sweep.SweepDir, "SELECT run_id FROM runs").Select(r => r[0]!).ToList();
        var (code, table, _) = Sql(sweep.SweepDir, "SELECT * FROM runs");
        Assert.Equal(0, code);
        Assert.All(runIds, id => Assert.Contains(id, table));
        Assert.Contains("grokking_gap", table);
        Assert.Contains("note", table);
    }

    [Fact]
    public void A_bad_query_exits_2_with_duckdbs_message_on_one_line()
    {
        var (code, stdout, stderr) = Sql(sweep.SweepDir, "SELECT * FROM metricz");
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: Catalog Error: Table with name metricz does not exist", line);
        Assert.Contains("(views: metrics, layers, runs)", line);

        var (columnCode, _, columnError) = Sql(sweep.SweepDir, "SELECT foo FROM runs");
        Assert.Equal(2, columnCode);
        Assert.StartsWith("error: Binder Error: Referenced column \"foo\" not found", columnError);
    }

    [Fact]
    public void A_missing_folder_exits_2_naming_it()
    {
        var missing = Path.Combine(sweep.OutDir, "nope");
        var (code, _, stderr) = Sql(missing, "SELECT 1");
        Assert.Equal(2, code);
        Assert.StartsWith($"error: {missing} does not exist", stderr);
    }

    [Fact]
    public void A_folder_without_runs_parquet_exits_2_naming_the_file_it_looked_for()
    {
        var empty = sweep.NewFolder();
        var (code, _, stderr) = Sql(empty, "SELECT 1");
        Assert.Equal(2, code);
        Assert.StartsWith($"error: {Path.Combine(empty, "runs.parquet")} does not exist", stderr);
    }

    [Fact]
    public void An_output_folder_with_two_sweeps_exits_2_and_lists_them()
    {
        var outDir = sweep.NewFolder();
        foreach (var name in new[] { "sweep=a", "sweep=b" })
        {
            Directory.CreateDirectory(Path.Combine(outDir, name));
            File.Copy(Path.Combine(sweep.SweepDir, "runs.parquet"), Path.Combine(outDir, name, "runs.parquet"));
        }
        var (code, _, stderr) = Sql(outDir, "SELECT 1");
        Assert.Equal(2, code);
        Assert.Contains("holds 2 sweeps (sweep=a, sweep=b); give one of them", stderr);
    }

    [Fact]
    public void A_view_without_files_is_left_undefined_and_a_query_on_it_says_why()
    {
        // A sweep whose spec has rank_every: 0 writes no layers; the other views still work.
        var copy = Path.Combine(sweep.NewFolder(), "sweep=tiny");
        CopyFolder(Path.Combine(sweep.SweepDir, "metrics"), Path.Combine(copy, "metrics"));
        File.Copy(Path.Combine(sweep.SweepDir, "runs.parquet"), Path.Combine(copy, "runs.parquet"));
        Assert.Equal("1200", CsvRows(copy, "SELECT count(*) FROM metrics").Single().Single());

        var (code, _, stderr) = Sql(copy, "SELECT * FROM layers");
        Assert.Equal(2, code);
        Assert.Contains($"view layers is not defined: {Path.Combine(copy, "layers")} holds no Parquet files yet; views defined: metrics, runs", stderr);
    }

    [Fact]
    public void An_empty_query_or_a_limit_that_is_not_a_positive_number_exits_2()
    {
        var (emptyCode, _, emptyError) = Sql(sweep.SweepDir, " ");
        Assert.Equal(2, emptyCode);
        Assert.StartsWith("error: the query is empty", emptyError);
        foreach (var limit in new[] { "0", "ten" })
        {
            var (limitCode, _, limitError) = Sql(sweep.SweepDir, "SELECT 1", "--limit", limit);
            Assert.Equal(2, limitCode);
            Assert.StartsWith($"error: --limit '{limit}': give a whole number of rows, at least 1", limitError);
        }
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
