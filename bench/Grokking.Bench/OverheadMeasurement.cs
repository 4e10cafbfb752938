namespace Grokking.Bench;

/// <summary>Times the bare loop (a) against the executor (b), interleaved a, b, a, b, … to spread machine noise over both.</summary>
public static class OverheadMeasurement
{
    /// <summary>Warms both paths up on <paramref name="warmup"/>, then times <paramref name="rounds"/> pairs (a, b) of <paramref name="workload"/>.</summary>
    public static async Task<OverheadResult> MeasureAsync(Workload workload, Workload warmup, int rounds, Action<string> log)
    {
        // Untimed short runs of both paths first: JIT compilation, torch's allocator and the dataset cache.
        BareTrainingLoop.Time(warmup.Run.Config, warmup.Steps);
        await ExecutorTrainingRun.RunAsync(warmup.Run);

        var bare = new List<BareTiming>();
        var executor = new List<TimeSpan>();
        for (int round = 1; round <= rounds; round++)
        {
            var a = BareTrainingLoop.Time(workload.Run.Config, workload.Steps);
            bare.Add(a);
            log($"  {workload.Name}, round {round}/{rounds}: (a) bare {a.Total.TotalSeconds:F2} s (loop {a.Loop.TotalSeconds:F2} s)");
            var b = await ExecutorTrainingRun.RunAsync(workload.Run);
            executor.Add(b);
            log($"  {workload.Name}, round {round}/{rounds}: (b) executor {b.TotalSeconds:F2} s");
        }
        return new OverheadResult(workload, bare, executor);
    }
}
