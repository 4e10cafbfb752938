using Grokking.Training;

namespace Grokking.Bench;

/// <summary>The whole benchmark in one process: matmul peak, then both workloads, then the verdicts.</summary>
public static class Benchmark
{
    /// <summary>Measures and prints everything but the summary.</summary>
    public static async Task<BenchResult> RunAsync(BenchOptions options, BenchReport report)
    {
        // Before any other torch call: the thread count is fixed once per process (RunTrainer's call is then a no-op).
        TorchRuntime.Initialise(options.Threads);
        var plan = options.Quick ? BenchPlan.Quick : BenchPlan.Full;
        report.Configuration(options, plan);

        Workload[] workloads = [WorkloadCatalog.PowerTransformer(plan.TransformerSteps), WorkloadCatalog.ImageMlp(plan.MlpSteps)];
        Workload[] warmups = [WorkloadCatalog.PowerTransformer(plan.WarmupSteps), WorkloadCatalog.ImageMlp(plan.WarmupSteps)];
        foreach (var w in workloads) report.WorkloadSpec(w);

        var before = MachineLoad.Sample();
        var samples = MatmulPeak.Measure(plan.MatmulSizes, plan.MatmulSecondsPerSize);
        double? matmulOthers = MachineLoad.OtherCores(before, MachineLoad.Sample());
        double peak = MatmulPeak.PeakGflops(samples);
        report.Matmul(samples, peak, matmulOthers);
        var ceilings = workloads.Select(w => MatmulCeiling.Gflops(w.Gemms, plan.MatmulSecondsPerSize)).ToList();
        report.Ceilings(workloads, ceilings, peak);

        report.Section("Check: the bare loop does RunTrainer's work");
        var checks = workloads.Select(SameWorkCheck.Compare).ToList();
        foreach (var check in checks) report.Line(check.Description);

        report.Section("Timing runs (interleaved a, b, c, a, b, c, …)");
        var results = new List<OverheadResult>();
        for (int i = 0; i < workloads.Length; i++)
            results.Add(await OverheadMeasurement.MeasureAsync(workloads[i], warmups[i], plan.Rounds, report.Line));

        var throughputTargets = results.Select(r => Target.PeakFraction($"{r.Workload.Name}: fraction of matmul peak", r.BareGflops / peak)).ToList();
        var overheadTargets = results.Select(r => Target.Overhead($"{r.Workload.Name}: machinery overhead (b)", r.MachineryOverhead)).ToList();
        var information = results.Select(r => ($"{r.Workload.Name}: overhead at the realistic cadence (c)",
            SignedPercent.Format(r.RealisticOverhead)))
            .Concat(workloads.Select((w, i) => ($"{w.Name}: its matrix products alone, fraction of peak", (ceilings[i] / peak).ToString("F2"))))
            .ToList();
        report.Throughput(results, peak, throughputTargets);
        report.Overhead(results, overheadTargets);
        report.RealisticCadence(results);
        return new BenchResult([.. throughputTargets, .. overheadTargets], information, checks.All(c => c.Same),
            [.. results.SelectMany(r => r.OtherCores)]);
    }
}
