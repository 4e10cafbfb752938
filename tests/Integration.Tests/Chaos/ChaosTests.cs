using Xunit.Abstractions;

namespace Grokking.Integration.Tests.Chaos;

/// <summary>The chaos scenario. The default test run uses the short version; <c>scripts/chaos.sh</c> runs the full one.</summary>
[Trait("Category", "Chaos")]
public sealed class ChaosTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Silos_killed_and_redis_restarted_mid_sweep_lose_and_duplicate_no_metric_row()
    {
        var options = ChaosOptions.FromEnvironment();
        var report = await new ChaosScenario(options, output.WriteLine).RunAsync();

        Assert.Equal(options.Runs, report.Done);
        Assert.True(report.Kills >= 2, $"only {report.Kills} kill(s) happened before the sweep finished: {report}");
        Assert.Equal(1, report.RedisRestarts);
        Assert.True(report.RunsLostMidRun >= 1, $"no kill landed on a running run, so no resume was tested: {report}");
        Assert.True(report.NotResumed.Count == 0, $"runs that lost their silo mid-run and were not resumed from their checkpoint: {report}");
        Assert.Equal(0, report.RowsLost);
        Assert.Equal(0, report.RowsDuplicated);
        Assert.Equal(report.ReferencesChecked, report.ReferencesEqual);
    }
}
