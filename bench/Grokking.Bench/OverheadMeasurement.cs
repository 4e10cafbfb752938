namespace Grokking.Bench;

/// <summary>
/// Times the bare loop (a), the executor's machinery (b) and the executor at the realistic cadence (c), interleaved
/// a, b, c, a, b, c, … so that slow phases of the machine spread over all three.
/// </summary>
public static class OverheadMeasurement
{
    /// <summary>Warms every path up on <paramref name="warmup"/>, then times <paramref name="rounds"/> rounds (a, b, c) of <paramref name="workload"/>.</summary>
    public static async Task<OverheadResult> MeasureAsync(Workload workload, Workload warmup, int rounds, Action<string> log)
    {
        // Untimed short runs first: JIT compilation, torch's allocator and the dataset cache. The realistic cadence
        // of the warm-up run evaluates, measures layers, writes segments and checkpoints, so it covers (b)'s code too.
        BareTrainingLoop.Time(warmup.BareConfig, warmup.Steps);
        await ExecutorTrainingRun.RunAsync(warmup.Realistic.Run);

        var bare = new List<BareTiming>();
        var machinery = new List<TimeSpan>();
        var realistic = new List<TimeSpan>();
        var otherCores = new List<double>();
        for (int round = 1; round <= rounds; round++)
        {
            string prefix = $"  {workload.Name}, round {round}/{rounds}:";
            var start = MachineLoad.Sample();
            var a = BareTrainingLoop.Time(workload.BareConfig, workload.Steps);
            bare.Add(a);
            log($"{prefix} (a) bare {a.Total.TotalSeconds:F2} s (loop {a.Loop.TotalSeconds:F2} s; {Others(ref start)})");
            var b = await ExecutorTrainingRun.RunAsync(workload.Machinery.Run);
            machinery.Add(b);
            log($"{prefix} (b) {workload.Machinery.Label} {b.TotalSeconds:F2} s ({Others(ref start)})");
            var c = await ExecutorTrainingRun.RunAsync(workload.Realistic.Run);
            realistic.Add(c);
            log($"{prefix} (c) {workload.Realistic.Label} {c.TotalSeconds:F2} s ({Others(ref start)})");
        }
        return new OverheadResult(workload, bare, machinery, realistic) { OtherCores = otherCores };

        // CPU other processes used since start (a run plus its negligible logging); start moves on to now.
        string Others(ref CpuSample? start)
        {
            var end = MachineLoad.Sample();
            var cores = MachineLoad.OtherCores(start, end);
            if (cores is { } c) otherCores.Add(c);
            start = end;
            return MachineLoad.Describe(cores);
        }
    }
}
