using System.Text.RegularExpressions;

namespace Grokking.Client.Tests.Sql;

/// <summary>Every ```sql block of docs/ANALYSIS.md runs through `grokking sql` on a real sweep and returns rows.</summary>
public sealed partial class AnalysisDocTests(NoopSweepFixture sweep) : IClassFixture<NoopSweepFixture>
{
    public static TheoryData<int> Blocks()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < SqlBlocks().Count; i++) data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void The_documented_query_runs_and_returns_rows(int block)
    {
        var sql = SqlBlocks()[block];
        var (code, csv, stderr) = Cli.Run(TimeSpan.FromSeconds(60), "sql", sweep.SweepDir, sql, "--csv");
        Assert.True(code == 0, $"query {block} failed: {stderr}\n{sql}");
        Assert.True(csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length > 1, $"query {block} returned no rows:\n{sql}");
    }

    private static List<string> SqlBlocks() =>
        SqlBlock().Matches(File.ReadAllText(Path.Combine(Cli.RepositoryRoot, "docs", "ANALYSIS.md")))
            .Select(m => m.Groups[1].Value.Trim())
            .ToList();

    [GeneratedRegex("```sql\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex SqlBlock();
}
