using System.Diagnostics;
using Grokking.Grains.Checkpoints;
using Grokking.Grains.Metrics;
using Grokking.Grains.Runs;
using Grokking.Grains.Specs;

namespace Grokking.Bench;

/// <summary>
/// The full path users run: RunExecutor with per-step metric rows, evaluations, layer measurements, Parquet
/// segments and a FileCheckpointStore, writing to a fresh temporary folder (a used one would resume the run).
/// </summary>
public static class ExecutorTrainingRun
{
    /// <summary>Where the temporary output folders are created.</summary>
    public static string TempRoot => Path.GetTempPath();

    /// <summary>Wall-clock time of <see cref="RunExecutor.ExecuteAsync"/> for the whole run, from scratch.</summary>
    public static async Task<TimeSpan> RunAsync(RunSpec run)
    {
        var outDir = Directory.CreateTempSubdirectory("grokking-bench-").FullName;
        try
        {
            var executor = new RunExecutor(new FileCheckpointStore(outDir), new MetricSegmentWriter(), outDir);
            var clock = Stopwatch.StartNew();
            var outcome = await executor.ExecuteAsync(run);
            var elapsed = clock.Elapsed;
            if (outcome.StepsTrained != run.Config.Training.Steps)
                throw new InvalidOperationException(
                    $"The executor stopped after {outcome.StepsTrained} of {run.Config.Training.Steps} steps; the timing would not compare.");
            return elapsed;
        }
        finally
        {
            Directory.Delete(outDir, recursive: true);
        }
    }
}
