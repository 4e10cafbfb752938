using System.Globalization;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Grokking.Bench;

/// <summary>Prints the benchmark's configuration, tables and verdicts as readable text.</summary>
public sealed class BenchReport(TextWriter output)
{
    public void Section(string title)
    {
        output.WriteLine();
        output.WriteLine($"== {title} ==");
    }

    public void Line(string text) => output.WriteLine(text);

    public void Configuration(BenchOptions options, BenchPlan plan)
    {
        Section("Configuration");
        Line($"  started:        {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC");
        Line($"  machine:        {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}");
        Line($"  runtime:        {RuntimeInformation.FrameworkDescription}, TorchSharp {typeof(Tensor).Assembly.GetName().Version}, CPU, float32");
        Line($"  torch threads:  {get_num_threads()} intra-op (torch.get_num_threads(); --threads {(options.Threads > 0 ? options.Threads : "not given, torch's default")})");
        Line($"  mode:           {plan.Name}: matmul sizes {string.Join(", ", plan.MatmulSizes)} (~{plan.MatmulSecondsPerSize} s each), "
            + $"transformer {plan.TransformerSteps} steps, image MLP {plan.MlpSteps} steps, warm-up {plan.WarmupSteps} steps per path, "
            + $"{plan.Rounds} round(s) of (a, b, c), minimum of each reported");
        Line($"  executor out:   fresh folder per run under {ExecutorTrainingRun.TempRoot} (deleted afterwards)");
    }

    public void WorkloadSpec(Workload w)
    {
        Section($"Workload: {w.Name}");
        Line($"  spec of (c), the realistic cadence; (b) differs only in its training line:");
        foreach (var line in w.Realistic.SpecText.Split('\n')) Line("    " + line);
        Line($"  forward FLOPs/example: {w.ForwardFlopsPerExample:N0} = {w.FlopFormula}");
        Line($"  FLOPs/training step:   {w.FlopsPerStep:N0} = 3 × forward × batch {w.BatchSize} (forward + backward ≈ 3 × forward)");
        Line($"  (a) bare loop: {w.Steps} steps of forward, loss, backward and AdamW step; nothing read back, written or evaluated");
        foreach (var v in w.Variants)
        {
            Line($"  ({v.Key}) {v.Label}: {v.Cadence.SpecFields}");
            Line($"      over {v.Steps} steps: {v.Steps} metric rows, {v.CheckpointCount} Parquet segment pair(s) + fsync'd checkpoint(s), "
                + $"{v.EvaluationCount} full evaluations of {w.EvalExamples:N0} examples, {v.RankCount} layer measurements");
            Line($"      evaluation work alone (analytic, forward matmuls): {w.EvaluationShare(v):0.0%} of the training FLOPs of this run");
        }
        if (w.Realistic.Cadence.CheckpointEvery < Cadence.RealisticCheckpointEvery)
            Line($"  checkpoint_every is {w.Realistic.Cadence.CheckpointEvery} rather than {Cadence.RealisticCheckpointEvery} so that the "
                + $"{w.Steps}-step run writes {w.Realistic.CheckpointCount} checkpoints (more per step than a long run)");
        var steady = w.Realistic.SteadyStateCounts;
        Line($"  a long run at the realistic cadence makes per {w.Steps} steps {steady.Evaluations:0.##} evaluations and "
            + $"{steady.Ranks:0.##} layer measurements: the extra ones at step 1 and at the end weigh more here than there");
    }

    public void Matmul(IReadOnlyList<MatmulSample> samples, double peak, double? otherCores)
    {
        Section("1. Matmul peak: torch.mm of n×n fp32 matrices, FLOPs = 2·n³");
        var table = new TextTable("n", "repetitions", "best GFLOP/s", "median GFLOP/s");
        foreach (var s in samples)
            table.Add(s.Size.ToString(CultureInfo.InvariantCulture), s.Repetitions.ToString(CultureInfo.InvariantCulture),
                s.BestGflops.ToString("F1"), s.MedianGflops.ToString("F1"));
        table.WriteTo(output);
        Line($"  peak = {peak:F1} GFLOP/s (best repetition of any size, after 3 warm-up repetitions), torch threads {get_num_threads()}; "
            + $"{MachineLoad.Describe(otherCores)} meanwhile");
    }

    public void Ceilings(IReadOnlyList<Workload> workloads, IReadOnlyList<double> gflops, double peak)
    {
        Section("1b. Ceiling: each model's training-step matrix products alone, at their shapes, back to back");
        var table = new TextTable("model", "products/step", "GFLOP/step", "largest product", "best GFLOP/s", "of peak");
        for (int i = 0; i < workloads.Count; i++)
        {
            var w = workloads[i];
            var largest = w.Gemms.MaxBy(g => g.Flops)!;
            table.Add(w.Name, w.Gemms.Count.ToString(CultureInfo.InvariantCulture), (w.Gemms.Sum(g => g.Flops) / 1e9).ToString("F3"),
                $"{largest.M}×{largest.K}·{largest.K}×{largest.N}{(largest.Batch > 1 ? $" ×{largest.Batch}" : "")}",
                gflops[i].ToString("F1"), (gflops[i] / peak).ToString("F2"));
        }
        table.WriteTo(output);
        Line("  torch.mm / torch.bmm on preallocated operands, forward and both backward products of every Linear and attention");
        Line("  product; no activation, norm, softmax, loss or optimizer. A training loop's fraction of peak cannot exceed this.");
    }

    public void Throughput(IReadOnlyList<OverheadResult> results, double peak, IReadOnlyList<Target> targets)
    {
        Section("2.-3. Training throughput: bare loop (forward + loss + backward + AdamW step), fastest round");
        var table = new TextTable("model", "steps", "GFLOP/step", "steps/s", "GFLOP/s", "of peak", "target", "verdict");
        for (int i = 0; i < results.Count; i++)
        {
            var r = results[i];
            table.Add(r.Workload.Name, r.Workload.Steps.ToString(CultureInfo.InvariantCulture), (r.Workload.FlopsPerStep / 1e9).ToString("F3"),
                r.BareStepsPerSecond.ToString("F1"), r.BareGflops.ToString("F1"), (r.BareGflops / peak).ToString("F2"),
                targets[i].Goal, targets[i].Verdict);
        }
        table.WriteTo(output);
        Line("  end to end through RunExecutor (training FLOPs over the executor's whole wall time, for information):");
        foreach (var r in results)
            Line($"    {r.Workload.Name}: " + string.Join("; ", r.Workload.Variants.Select(v =>
                $"({v.Key}) {r.StepsPerSecond(v):F1} steps/s, {r.Gflops(v):F1} GFLOP/s = {r.Gflops(v) / peak:F2} of peak")));
    }

    public void Overhead(IReadOnlyList<OverheadResult> results, IReadOnlyList<Target> targets)
    {
        Section("4. Machinery overhead: (b) RunExecutor.ExecuteAsync, evaluations only at step 1 and the end, against (a) the bare loop");
        var table = new TextTable("model", "steps", "(a) runs s", "(b) runs s", "min a s", "min b s", "overhead", "target", "verdict");
        for (int i = 0; i < results.Count; i++)
        {
            var r = results[i];
            table.Add(r.Workload.Name, r.Workload.Steps.ToString(CultureInfo.InvariantCulture),
                Seconds(r.Bare.Select(b => b.Total)), Seconds(r.Machinery), r.BestBare.TotalSeconds.ToString("F2"),
                r.BestMachinery.TotalSeconds.ToString("F2"), targets[i].Format(targets[i].Value), targets[i].Goal, targets[i].Verdict);
        }
        table.WriteTo(output);
        Line("  overhead = (min b − min a) / min a; both include building data, model and optimizer (same steps and batches);");
        Line("  (b) adds per-step metric rows (batch loss and accuracy read back every step), Parquet segments and fsync'd");
        Line("  checkpoints every checkpoint_every steps, and the two full evaluations RunTrainer always makes (step 1, last step).");
        Line("  run-to-run spread ((slowest − fastest) / fastest); overhead differences smaller than this are noise:");
        foreach (var r in results)
            Line($"    {r.Workload.Name}: (a) {r.BareSpread:0.0%}, (b) {r.MachinerySpread:0.0%}; each round on its own, (b − a) / a: {Percentages(r.MachineryOverheadPerRound)}");
        Line("  rough split (assumes evaluation runs at the bare loop's FLOP rate; an estimate, not a measurement):");
        foreach (var r in results)
        {
            double evaluation = r.Workload.EvaluationShare(r.Workload.Machinery);
            Line($"    {r.Workload.Name}: the two evaluations ≈ {SignedPercent.Format(evaluation)}, metric rows, segments and checkpoints ≈ "
                + $"{SignedPercent.Format(r.MachineryOverhead - evaluation)}");
        }
    }

    public void RealisticCadence(IReadOnlyList<OverheadResult> results)
    {
        Section("5. For information: (c) RunExecutor at the realistic cadence against (a) the bare loop");
        var table = new TextTable("model", "steps", "(c) runs s", "min a s", "min c s", "overhead", "(c − b) / a", "evaluation share");
        foreach (var r in results)
        {
            table.Add(r.Workload.Name, r.Workload.Steps.ToString(CultureInfo.InvariantCulture), Seconds(r.Realistic),
                r.BestBare.TotalSeconds.ToString("F2"), r.BestRealistic.TotalSeconds.ToString("F2"), SignedPercent.Format(r.RealisticOverhead),
                SignedPercent.Format(r.MeasurementShare), r.Workload.EvaluationShare(r.Workload.Realistic).ToString("0.0%"));
        }
        table.WriteTo(output);
        Line("  no target: the full evaluations of the whole train and validation sets are measurements the spec asks for,");
        Line("  their cost set by eval_every and the set sizes. (c − b) / a is what they and the layer measurements add to (b);");
        Line("  evaluation share = analytic forward FLOPs of all (c)'s evaluations over the run's training FLOPs.");
        Line("  run-to-run spread of (c):");
        foreach (var r in results)
            Line($"    {r.Workload.Name}: (c) {r.RealisticSpread:0.0%}; each round on its own, (c − a) / a: {Percentages(r.RealisticOverheadPerRound)}");
    }

    public void Summary(BenchResult result, TimeSpan duration)
    {
        Section("Summary");
        var table = new TextTable("figure", "measured", "target", "verdict");
        foreach (var t in result.Targets) table.Add(t.Figure, t.Format(t.Value), t.Goal, t.Verdict);
        foreach (var (figure, value) in result.Information) table.Add(figure, value, "none", "for information");
        table.WriteTo(output);
        if (result.OtherCores.Count > 0)
            Line($"  other processes during the timed runs: {result.OtherCores.Average():F2} cores on average, {result.OtherCores.Max():F2} "
                + $"in the busiest run, of {Environment.ProcessorCount} (/proc/stat); minima are taken to discount them, not to remove them");
        if (!result.BareLoopDoesTrainerWork)
            Line("  WARNING: the bare loop no longer reproduces RunTrainer's losses (see the check above); the overhead figures compare different work.");
        Line("");
        Line($"Benchmark wall-clock duration: {duration.TotalSeconds:F1} s");
    }

    private static string Percentages(IEnumerable<double> values) => string.Join(", ", values.Select(SignedPercent.Format));

    private static string Seconds(IEnumerable<TimeSpan> times) => string.Join(" ", times.Select(t => t.TotalSeconds.ToString("F2")));
}
