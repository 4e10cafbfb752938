using Grokking.Grains.Specs;
using Grokking.Training.Config;

namespace Grokking.Bench;

/// <summary>One way of running a workload through RunExecutor: the spec at a given cadence and what that cadence costs.</summary>
/// <param name="Key">The letter in the tables: b (machinery) or c (realistic cadence).</param>
/// <param name="Label">A few words for the report.</param>
/// <param name="Cadence">The spec's eval_every, rank_every and checkpoint_every.</param>
/// <param name="SpecText">The sweep spec (YAML) this variant runs.</param>
/// <param name="Run">The spec's single grid point.</param>
public sealed record ExecutorVariant(string Key, string Label, Cadence Cadence, string SpecText, RunSpec Run)
{
    private TrainingConfig Training => Run.Config.Training;

    public int Steps => Training.Steps;

    /// <summary>Full evaluations RunTrainer makes: at step 1, every eval_every steps and at the last step.</summary>
    public int EvaluationCount => CountCadence(Training.EvalEvery);

    /// <summary>Layer measurements (feature rank, weight norms, RQI): at step 1, every rank_every steps and at the last step.</summary>
    public int RankCount => CountCadence(Training.RankEvery);

    /// <summary>Checkpoints (and Parquet segment pairs) the executor writes: one per checkpoint interval started.</summary>
    public int CheckpointCount => (Steps + Training.CheckpointEvery - 1) / Training.CheckpointEvery;

    /// <summary>
    /// (evaluations, layer measurements) a long run with this cadence makes per <see cref="Steps"/> steps, where the
    /// extra ones at step 1 and at the last step are amortised; a short benchmark run over-weights them.
    /// </summary>
    public (double Evaluations, double Ranks) SteadyStateCounts =>
        ((double)Steps / Training.EvalEvery, Training.RankEvery <= 0 ? 0 : (double)Steps / Training.RankEvery);

    private int CountCadence(int every) =>
        every <= 0 ? 0 : Enumerable.Range(1, Steps).Count(s => s == 1 || s % every == 0 || s == Steps);
}
