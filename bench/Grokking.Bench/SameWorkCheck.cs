using Grokking.Training.Metrics;
using Grokking.Training.Runs;

namespace Grokking.Bench;

/// <summary>
/// Guards the overhead comparison: the bare loop must do RunTrainer's work (same weights, batches and updates).
/// RunTrainer evolves while the bench does not, so this is checked on every run rather than assumed, against the
/// configuration of each executor variant (they differ only in cadence, which must not change the training).
/// </summary>
public static class SameWorkCheck
{
    private const int Steps = 3;

    /// <summary>True when the bare loop's first batch losses equal RunTrainer's bit for bit; a line for the report either way.</summary>
    public static (bool Same, string Description) Compare(Workload workload)
    {
        var bare = BareTrainingLoop.Losses(workload.BareConfig, Steps);
        var mismatches = new List<string>();
        List<double>? expected = null;
        foreach (var variant in workload.Variants)
        {
            var rows = new List<StepMetrics>();
            using (var trainer = RunTrainer.Create(variant.Run.Config))
                trainer.TrainUntil(Steps, rows, new List<LayerMetrics>());
            var losses = rows.Select(r => r.TrainLoss).ToList();
            expected ??= losses;
            if (!bare.SequenceEqual(losses))
                mismatches.Add($"RunTrainer ({variant.Key}) {string.Join(", ", losses.Select(l => l.ToString("R")))}");
        }
        if (mismatches.Count > 0)
            return (false, $"  {workload.Name}: MISMATCH — bare loop losses {string.Join(", ", bare.Select(l => l.ToString("R")))} "
                + $"against {string.Join("; ", mismatches)}; the overhead compares different work");
        string shown = string.Join(", ", expected!.Select(l => l.ToString("G6")));
        return (true, $"  {workload.Name}: bare loop reproduces RunTrainer's first {Steps} batch losses bit for bit "
            + $"under both cadences (b) and (c) ({shown})");
    }
}
