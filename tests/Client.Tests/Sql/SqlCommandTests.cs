namespace Grokking.Client.Tests.Sql;

public sealed class SqlCommandTests(NoopSweepFixture sweep) : IClassFixture<NoopSweepFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private (int Code, string Stdout, string Stderr) Sql(params string[] args) => Cli.Run(Timeout, ["sql", .. args]);

    [Fact]
    public void Views_metrics_layers_and_runs_count_what_the_sweep_wrote()
    {
        var (code, csv, stderr) = Sql(sweep.SweepDir, "SELECT (SELECT count(*) FROM metrics), (SELECT count(*) FROM runs), (SELECT count(DISTINCT step) FROM layers)", "--csv");
        Assert.True(code == 0, stderr);
        Assert.Equal("1200,4,4", csv.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1].Trim());
    }

    [Fact]
    public void The_output_folder_of_a_single_sweep_is_accepted_and_group_by_works_over_runs()
    {
        var (code, csv, stderr) = Sql(sweep.OutDir, "SELECT weight_decay, count(*) AS n, min(status) AS status FROM runs GROUP BY weight_decay ORDER BY weight_decay", "--csv");
        Assert.True(code == 0, stderr);
        Assert.Equal(["weight_decay,n,status", "0,2,done", "1,2,done"], csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()));
    }

    [Fact]
    public void A_table_is_printed_by_default()
    {
        var (code, table, _) = Sql(sweep.SweepDir, "SELECT run_id, phase FROM runs ORDER BY run_index");
        Assert.Equal(0, code);
        Assert.Contains("run_id", table);
        Assert.Contains("comprehension", table); // the noop curve generalises within the phase gap
    }

    [Fact]
    public void A_bad_query_and_a_missing_folder_exit_with_code_2_and_the_reason()
    {
        var (badCode, _, badError) = Sql(sweep.SweepDir, "SELECT * FROM metricz");
        Assert.Equal(2, badCode);
        Assert.Contains("metricz", badError);
        Assert.Contains("views: metrics, layers, runs", badError);
        var (missingCode, _, missingError) = Sql(Path.Combine(sweep.OutDir, "nope"), "SELECT 1");
        Assert.Equal(2, missingCode);
        Assert.Contains("does not exist", missingError);
    }

    [Fact]
    public void Progress_is_printed_as_plain_lines_without_escape_codes_when_output_is_not_a_terminal()
    {
        Assert.Matches(@"tiny: \d+ % \d/4 done, \d running", sweep.RunOutput);
        Assert.Contains("tiny: 100 % 4/4 done", sweep.RunOutput);
        var escape = sweep.RunOutput.IndexOf('\u001b');
        Assert.True(escape < 0, "escape sequence in plain output near: " + (escape < 0 ? "" : sweep.RunOutput.Substring(Math.Max(0, escape - 80), Math.Min(160, sweep.RunOutput.Length - Math.Max(0, escape - 80)))));
    }
}
