using System.Globalization;
using Grokking.Grains.Contracts;

namespace Grokking.Silo.Tests.Cluster;

/// <summary>A sweep spec of noop runs (no tensors: each step sleeps step_ms), one run per seed.</summary>
public sealed record NoopSweepSpec(string Name)
{
    public int Runs { get; init; } = 3;
    public int Steps { get; init; } = 20;
    public int StepMs { get; init; } = 5;
    public int EvalEvery { get; init; } = 10;
    public int CheckpointEvery { get; init; } = 10;
    public string Accelerator { get; init; } = "any";
    public int MaxFailures { get; init; } = 3;
    public bool KeepFinalCheckpoint { get; init; }

    public string Yaml =>
        string.Create(CultureInfo.InvariantCulture, $"""
            name: {Name}
            task: {"{"} kind: noop, step_ms: {StepMs} {"}"}
            model: {"{"} kind: mlp {"}"}
            training: {"{"} steps: {Steps}, eval_every: {EvalEvery}, checkpoint_every: {CheckpointEvery}, keep_final_checkpoint: {(KeepFinalCheckpoint ? "true" : "false")} {"}"}
            resources: {"{"} accelerator: {Accelerator} {"}"}
            max_failures: {MaxFailures}
            grid:
              seed: [{string.Join(", ", Enumerable.Range(0, Runs))}]

            """);

    /// <summary>The run ids of the grid, in grid order.</summary>
    public IReadOnlyList<string> RunIds => Grokking.Grains.Specs.SpecParser.Parse(Yaml).Expand().Select(r => r.RunId).ToList();

    public SweepSubmission Submission => new() { SpecText = Yaml, SourceName = $"{Name}.yaml" };
}
