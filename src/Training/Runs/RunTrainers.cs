using Grokking.Training.Config;

namespace Grokking.Training.Runs;

/// <summary>Creates the trainer a run's task kind calls for.</summary>
public static class RunTrainers
{
    /// <summary>The task kind whose trainer does no tensor work (orchestration tests and benchmarks).</summary>
    public const string NoopKind = "noop";

    public static IRunTrainer Create(RunConfig config) =>
        config.Task.Kind == NoopKind ? NoopTrainer.Create(config) : RunTrainer.Create(config);

    public static IRunTrainer Resume(RunConfig config, ReadOnlyMemory<byte> checkpoint) =>
        config.Task.Kind == NoopKind ? NoopTrainer.Resume(config, checkpoint) : RunTrainer.Resume(config, checkpoint);
}
