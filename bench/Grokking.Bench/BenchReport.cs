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
            + $"{plan.Rounds} round(s) of (a, b), minimum of each reported");
        Line($"  executor out:   fresh folder per run under {ExecutorTrainingRun.TempRoot} (deleted afterwards)");
    }

    public void WorkloadSpec(Workload w)
    {
        Section($"Workload: {w.Name}");
        foreach (var line in w.SpecText.Split('\n')) Line("    " + line);
        Line($"  forward FLOPs/example: {w.ForwardFlopsPerExample:N0} = {w.FlopFormula}");
        Line($"  FLOPs/training step:   {w.FlopsPerStep:N0} = 3 × forward × batch {w.BatchSize} (forward + backward ≈ 3 × forward)");
        Line($"  executor cadence over {w.Steps} steps: {w.EvaluationCount} full evaluations of {w.EvalExamples:N0} examples, "
            + $"{w.RankCount} layer measurements, {w.CheckpointCount} checkpoint(s) + Parquet segment pair(s), {w.Steps} metric rows");
        var steady = w.SteadyStateCounts;
        Line($"  a long run with this cadence makes per {w.Steps} steps {steady.Evaluations:0.##} evaluations, {steady.Ranks:0.##} layer measurements "
            + $"and {steady.Checkpoints:0.##} checkpoints: the extra ones at step 1 and at the end weigh more here than they would there");
        Line($"  evaluation work alone (analytic, forward matmuls): {w.EvaluationShare:0.0%} of the training FLOPs of this run");
    }

    public void Matmul(IReadOnlyList<MatmulSample> samples, double peak)
    {
        Section("1. Matmul peak: torch.mm of n×n fp32 matrices, FLOPs = 2·n³");
        var table = new TextTable("n", "repetitions", "best GFLOP/s", "median GFLOP/s");
        foreach (var s in samples)
            table.Add(s.Size.ToString(CultureInfo.InvariantCulture), s.Repetitions.ToString(CultureInfo.InvariantCulture),
                s.BestGflops.ToString("F1"), s.MedianGflops.ToString("F1"));
        table.WriteTo(output);
        Line($"  peak = {peak:F1} GFLOP/s (best repetition of any size, after 3 warm-up repetitions), torch threads {get_num_threads()}");
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
            Line($"    {r.Workload.Name}: {r.ExecutorStepsPerSecond:F1} steps/s, {r.ExecutorGflops:F1} GFLOP/s = {r.ExecutorGflops / peak:F2} of peak");
    }

    public void Overhead(IReadOnlyList<OverheadResult> results, IReadOnlyList<Target> targets)
    {
        Section("4. Machinery overhead: (b) RunExecutor.ExecuteAsync against (a) the bare loop, same steps and batches");
        var table = new TextTable("model", "steps", "(a) runs s", "(b) runs s", "min a s", "min b s", "overhead", "target", "verdict");
        for (int i = 0; i < results.Count; i++)
        {
            var r = results[i];
            table.Add(r.Workload.Name, r.Workload.Steps.ToString(CultureInfo.InvariantCulture),
                Seconds(r.Bare.Select(b => b.Total)), Seconds(r.Executor), r.BestBare.TotalSeconds.ToString("F2"),
                r.BestExecutor.TotalSeconds.ToString("F2"), targets[i].Format(targets[i].Value), targets[i].Goal, targets[i].Verdict);
        }
        table.WriteTo(output);
        Line("  overhead = (min b − min a) / min a; both include building data, model and optimizer;");
        Line("  (b) adds per-step metric rows (loss/accuracy read back with .item()), full evaluations, layer measurements,");
        Line("  Parquet segments and checkpoints (fsync'd) — see each workload's cadence and analytic evaluation share above.");
        Line("  run-to-run spread ((slowest − fastest) / fastest); overhead differences smaller than this are noise:");
        foreach (var r in results)
            Line($"    {r.Workload.Name}: (a) {r.BareSpread:0.0%}, (b) {r.ExecutorSpread:0.0%}");
        Line("  rough split (assumes evaluation runs at the bare loop's FLOP rate; an estimate, not a measurement):");
        foreach (var r in results)
            Line($"    {r.Workload.Name}: evaluation ≈ {r.Workload.EvaluationShare:+0.0%}, everything else ≈ {r.Overhead - r.Workload.EvaluationShare:+0.0%;-0.0%}");
    }

    public void Summary(BenchResult result, TimeSpan duration)
    {
        Section("Summary");
        var table = new TextTable("figure", "measured", "target", "verdict");
        foreach (var t in result.Targets) table.Add(t.Figure, t.Format(t.Value), t.Goal, t.Verdict);
        table.WriteTo(output);
        if (!result.BareLoopDoesTrainerWork)
            Line("  WARNING: the bare loop no longer reproduces RunTrainer's losses (see the check above); the overhead figures compare different work.");
        Line("");
        Line($"Benchmark wall-clock duration: {duration.TotalSeconds:F1} s");
    }

    private static string Seconds(IEnumerable<TimeSpan> times) => string.Join(" ", times.Select(t => t.TotalSeconds.ToString("F2")));
}
