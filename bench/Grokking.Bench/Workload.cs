using Grokking.Grains.Specs;

namespace Grokking.Bench;

/// <summary>A model and task under test, as the spec a user would write, with its analytic FLOP counts.</summary>
/// <param name="Name">Short label for the tables.</param>
/// <param name="SpecText">The sweep spec (YAML) both paths train.</param>
/// <param name="Run">The spec's single grid point.</param>
/// <param name="ForwardFlopsPerExample">Forward matmul FLOPs of one example.</param>
/// <param name="FlopFormula">How <paramref name="ForwardFlopsPerExample"/> was counted, for the printed output.</param>
/// <param name="EvalExamples">Examples in one full evaluation (training plus validation set).</param>
public sealed record Workload(
    string Name,
    string SpecText,
    RunSpec Run,
    double ForwardFlopsPerExample,
    string FlopFormula,
    long EvalExamples)
{
    public int Steps => Run.Config.Training.Steps;

    public int BatchSize => Run.Config.Training.BatchSize;

    public double FlopsPerStep => TrainingFlops.TrainingStep(ForwardFlopsPerExample, BatchSize);

    /// <summary>Forward FLOPs the executor's full evaluations add over the run, relative to the training FLOPs.</summary>
    public double EvaluationShare =>
        EvaluationCount * EvalExamples * ForwardFlopsPerExample / (Steps * FlopsPerStep);

    /// <summary>Full evaluations RunTrainer makes: at step 1, every eval_every steps and at the last step.</summary>
    public int EvaluationCount => CountCadence(Run.Config.Training.EvalEvery);

    /// <summary>Layer measurements (feature rank, weight norms, RQI): at step 1, every rank_every steps and at the last step.</summary>
    public int RankCount => CountCadence(Run.Config.Training.RankEvery);

    /// <summary>Checkpoints (and Parquet segment pairs) the executor writes: one per checkpoint interval started.</summary>
    public int CheckpointCount => (Steps + Run.Config.Training.CheckpointEvery - 1) / Run.Config.Training.CheckpointEvery;

    /// <summary>
    /// (evaluations, layer measurements, checkpoints) a long run makes per <see cref="Steps"/> steps, where the extra
    /// ones at step 1 and at the last step are amortised; a short benchmark run over-weights them.
    /// </summary>
    public (double Evaluations, double Ranks, double Checkpoints) SteadyStateCounts
    {
        get
        {
            var t = Run.Config.Training;
            return ((double)Steps / t.EvalEvery, t.RankEvery <= 0 ? 0 : (double)Steps / t.RankEvery, (double)Steps / t.CheckpointEvery);
        }
    }

    private int CountCadence(int every) =>
        every <= 0 ? 0 : Enumerable.Range(1, Steps).Count(s => s == 1 || s % every == 0 || s == Steps);
}
