using Grokking.Training.Metrics;
using Grokking.Training.Runs;

namespace Grokking.Bench;

/// <summary>
/// Guards the overhead comparison: the bare loop must do RunTrainer's work (same weights, batches and updates).
/// RunTrainer evolves while the bench does not, so this is checked on every run rather than assumed.
/// </summary>
public static class SameWorkCheck
{
    private const int Steps = 3;

    /// <summary>True when the bare loop's first batch losses equal RunTrainer's bit for bit; a line for the report either way.</summary>
    public static (bool Same, string Description) Compare(Workload workload)
    {
        var config = workload.Run.Config;
        var bare = BareTrainingLoop.Losses(config, Steps);
        var rows = new List<StepMetrics>();
        using (var trainer = RunTrainer.Create(config))
            trainer.TrainUntil(Steps, rows, new List<LayerMetrics>());
        var expected = rows.Select(r => r.TrainLoss).ToList();
        bool same = bare.SequenceEqual(expected);
        string losses = string.Join(", ", expected.Select(l => l.ToString("G6")));
        return (same, same
            ? $"  {workload.Name}: bare loop reproduces RunTrainer's first {Steps} batch losses bit for bit ({losses})"
            : $"  {workload.Name}: MISMATCH — bare loop losses {string.Join(", ", bare.Select(l => l.ToString("R")))} "
              + $"against RunTrainer's {string.Join(", ", expected.Select(l => l.ToString("R")))}; the overhead compares different work");
    }
}
