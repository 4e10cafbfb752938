namespace Grokking.Bench;

/// <summary>
/// The measurement cadence of an executor run: what the spec's <c>eval_every</c>, <c>rank_every</c> and
/// <c>checkpoint_every</c> are set to. Both executor variants checkpoint at the same steps, so they differ only in
/// the evaluations and layer measurements the user asks for.
/// </summary>
public sealed record Cadence(int EvalEvery, int RankEvery, int CheckpointEvery)
{
    /// <summary>The checkpoint interval of a realistic run (and the default of the spec).</summary>
    public const int RealisticCheckpointEvery = 1000;

    /// <summary>The spec's training fields for this cadence, e.g. <c>eval_every: 100, rank_every: 1000, checkpoint_every: 1000</c>.</summary>
    public string SpecFields => $"eval_every: {EvalEvery}, rank_every: {RankEvery}, checkpoint_every: {CheckpointEvery}";

    /// <summary>
    /// (b) The machinery alone: the evaluation interval is the whole run (so only the evaluations at step 1 and at
    /// the last step, which RunTrainer always makes), no layer measurements, and the realistic checkpoints.
    /// </summary>
    public static Cadence Machinery(int steps) => new(steps, 0, CheckpointInterval(steps));

    /// <summary>(c) The cadence a user would write: full evaluations every 100 steps, layer measurements every 1000.</summary>
    public static Cadence Realistic(int steps) => new(100, 1000, CheckpointInterval(steps));

    /// <summary>
    /// 1000 steps, lowered to half the run when the run is shorter than 2000 steps, so that every timed run writes at
    /// least two Parquet segment pairs and checkpoints (more checkpoints per step than a long run: a pessimistic choice).
    /// </summary>
    public static int CheckpointInterval(int steps) => Math.Max(1, Math.Min(RealisticCheckpointEvery, steps / 2));
}
