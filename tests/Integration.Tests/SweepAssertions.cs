namespace Grokking.Integration.Tests;

/// <summary>The three checks every interrupted sweep must pass.</summary>
public static class SweepAssertions
{
    /// <summary>Every run has every step from 1 to the budget exactly once.</summary>
    public static void ExactlyOnce(SweepDataset data, int runs, long steps)
    {
        var coverage = data.StepCoverage();
        Assert.Equal(runs, coverage.Count);
        foreach (var (run, c) in coverage)
            Assert.True(c == (steps, steps, 1, steps), $"run {run}: {c.Rows} rows, {c.Distinct} distinct steps, {c.First}..{c.Last}; expected {steps} steps once each");
    }

    /// <summary>
    /// The interrupted run's metrics equal, bit for bit, those of the same grid point trained without interruption
    /// by `grokking train` (same torch thread count).
    /// </summary>
    public static void EqualsUninterrupted(SweepDataset data, string spec, int index, string runId, string scratch)
    {
        var reference = Path.Combine(scratch, "reference-" + index);
        var (code, output) = ChildProcess.Run(TimeSpan.FromMinutes(3), "grokking", "train", spec, "--run", index.ToString(),
            "--out", reference, "--torch-threads", "1");
        Assert.True(code == 0, output);
        var expected = new SweepDataset(reference, Path.GetFileNameWithoutExtension(spec)).MetricRows(runId);
        var actual = data.MetricRows(runId);
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
            Assert.True(expected[i] == actual[i], $"run {runId} row {i} differs:\n uninterrupted {expected[i]}\n resumed       {actual[i]}");
    }
}
