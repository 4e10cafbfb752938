using Grokking.Training.Config;

namespace Grokking.Bench;

/// <summary>A model and task under test, as the specs a user would write, with its analytic FLOP counts.</summary>
/// <param name="Name">Short label for the tables.</param>
/// <param name="Machinery">(b) RunExecutor with per-step metrics, Parquet segments and checkpoints, evaluations only at step 1 and the end.</param>
/// <param name="Realistic">(c) RunExecutor at the cadence a user would write (evaluations every 100 steps, layer measurements every 1000).</param>
/// <param name="ForwardFlopsPerExample">Forward matmul FLOPs of one example.</param>
/// <param name="FlopFormula">How <paramref name="ForwardFlopsPerExample"/> was counted, for the printed output.</param>
/// <param name="EvalExamples">Examples in one full evaluation (training plus validation set).</param>
/// <param name="Gemms">The matrix products of one training step at their shapes (3 × forward, like the FLOP count).</param>
public sealed record Workload(
    string Name,
    ExecutorVariant Machinery,
    ExecutorVariant Realistic,
    double ForwardFlopsPerExample,
    string FlopFormula,
    long EvalExamples,
    IReadOnlyList<GemmShape> Gemms)
{
    /// <summary>What the bare loop (a) trains: model, data, optimizer and batches; it ignores the cadence.</summary>
    public RunConfig BareConfig => Machinery.Run.Config;

    public int Steps => BareConfig.Training.Steps;

    public int BatchSize => BareConfig.Training.BatchSize;

    public double FlopsPerStep => TrainingFlops.TrainingStep(ForwardFlopsPerExample, BatchSize);

    public IReadOnlyList<ExecutorVariant> Variants => [Machinery, Realistic];

    /// <summary>Forward FLOPs the full evaluations of <paramref name="variant"/> add over the run, relative to the training FLOPs.</summary>
    public double EvaluationShare(ExecutorVariant variant) =>
        variant.EvaluationCount * EvalExamples * ForwardFlopsPerExample / (Steps * FlopsPerStep);
}
