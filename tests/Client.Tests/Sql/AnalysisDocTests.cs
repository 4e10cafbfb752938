using System.Text.RegularExpressions;

namespace Grokking.Client.Tests.Sql;

/// <summary>Every ```sql block of docs/ANALYSIS.md runs through `grokking sql` on a real sweep and returns rows, so the docs stay true.</summary>
[Collection(NoopSweepCollection.Name)]
public sealed partial class AnalysisDocTests(NoopSweepFixture sweep)
{
    private static readonly string Doc = Path.Combine(Cli.RepositoryRoot, "docs", "ANALYSIS.md");

    public static TheoryData<int> Blocks()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < SqlBlocks().Count; i++) data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void The_documented_query_runs_and_returns_rows(int block)
    {
        var sql = SqlBlocks()[block];
        var (code, csv, stderr) = Cli.Run(TimeSpan.FromSeconds(60), "sql", sweep.SweepDir, sql, "--csv");
        Assert.True(code == 0, $"query {block} of {Doc} failed: {stderr}\n{sql}");
        Assert.True(Rfc4180.Parse(csv).Count > 1, $"query {block} of {Doc} returned no rows:\n{sql}");
    }

    [Fact]
    public void The_doc_has_the_queries_this_test_expects()
    {
        // Guards the extraction itself: a changed fence would otherwise leave the theory above with nothing to run.
        Assert.True(SqlBlocks().Count >= 8, $"found {SqlBlocks().Count} ```sql blocks in {Doc}");
    }

    private static List<string> SqlBlocks() =>
        SqlBlock().Matches(File.ReadAllText(Doc).ReplaceLineEndings("\n")).Select(m => m.Groups[1].Value.Trim()).ToList();

    [GeneratedRegex(@"^```sql\n(.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex SqlBlock();
}
