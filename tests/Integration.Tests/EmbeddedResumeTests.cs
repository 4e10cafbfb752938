namespace Grokking.Integration.Tests;

public sealed class EmbeddedResumeTests : IDisposable
{
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "grokking-embedded-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Killing_grokking_run_mid_sweep_and_running_it_again_completes_the_sweep_exactly_once_and_bit_identically()
    {
        var spec = FailoverSpec.Write(_scratch, "embedded-resume");
        var outDir = Path.Combine(_scratch, "out");
        string[] args = ["run", spec, "--out", outDir, "--slots", "2", "--torch-threads", "1"];

        using (var first = ChildProcess.Start("grokking", args))
        {
            // Wait until some run has checkpointed a few times, then pull the plug.
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
            while (!SweepDataset.RunsWithSegments(outDir, "embedded-resume").Any(r => SweepDataset.Segments(outDir, "embedded-resume", r) >= 3))
            {
                Assert.False(first.HasExited, "grokking run ended before it could be killed:\n" + first.Output);
                Assert.True(DateTime.UtcNow < deadline, "no run checkpointed in time:\n" + first.Output);
                Thread.Sleep(100);
            }
            first.Kill();
        }
        var interrupted = SweepDataset.RunsWithSegments(outDir, "embedded-resume")
            .Where(r => SweepDataset.Segments(outDir, "embedded-resume", r) < FailoverSpec.Steps / 100)
            .ToList();
        Assert.NotEmpty(interrupted);

        var (code, output) = ChildProcess.Run(TimeSpan.FromMinutes(6), "grokking", args);
        Assert.True(code == 0, output);

        var data = new SweepDataset(outDir, "embedded-resume");
        SweepAssertions.ExactlyOnce(data, FailoverSpec.Runs, FailoverSpec.Steps);
        var table = data.RunTable();
        Assert.All(table, r => Assert.Equal("done", r.Status));
        var resumed = table.First(r => interrupted.Contains(r.RunId));
        Assert.True(resumed.Attempts > 1, $"run {resumed.RunId} was interrupted but records {resumed.Attempts} attempt(s)");
        SweepAssertions.EqualsUninterrupted(data, spec, resumed.Index, resumed.RunId, _scratch);
    }

    public void Dispose()
    {
        if (Directory.Exists(_scratch)) Directory.Delete(_scratch, recursive: true);
    }
}
