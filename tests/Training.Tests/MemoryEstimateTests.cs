using Grokking.Training.Config;
using Grokking.Training.Runs;

namespace Grokking.Training.Tests;

/// <summary>The memory estimate that refuses runs before torch allocates: never below what the run really holds.</summary>
public sealed class MemoryEstimateTests
{
    public static TheoryData<string, RunConfig> Models() => new()
    {
        { "mlp on x+y mod 31", new RunConfig { Task = new TaskConfig { Modulus = 31 }, Model = new ModelConfig { Kind = "mlp", Depth = 3, Width = 64 } } },
        { "toy", new RunConfig { Task = new TaskConfig { Kind = "toy", Modulus = 10, Loss = "mse", TargetDim = 30 }, Model = new ModelConfig { Kind = "toy", Depth = 3, Width = 200 } } },
        { "pre-norm transformer", new RunConfig { Task = new TaskConfig { Modulus = 23 }, Model = new ModelConfig { Kind = "transformer", Depth = 2, Width = 64, Heads = 4 } } },
        { "openai/grok", ReferenceModelTests.Power() },
        { "Nanda et al.", ReferenceModelTests.Nanda() },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void The_parameter_count_is_at_least_the_model_s_and_at_most_two_and_a_half_times_it(string what, RunConfig config)
    {
        using var trainer = RunTrainer.Create(config);
        long actual = trainer.Sizes.Parameters;
        long estimated = MemoryEstimate.For(config).Parameters;
        // An upper bound by design (the vocabulary and sequence are bounded from above without building the task), so it
        // never lets through a run that does not fit, and loose by at most 2.5x, so it refuses no run that fits by a wide margin.
        Assert.True(estimated >= actual && estimated <= actual * 2.5,
            $"{what}: estimated {estimated:N0} parameters, the model has {actual:N0}");
    }

    [Fact]
    public void The_estimate_grows_with_width_batch_and_precision()
    {
        var small = new RunConfig { Model = new ModelConfig { Kind = "mlp", Width = 64 } };
        long baseline = MemoryEstimate.For(small).TotalBytes;
        Assert.True(MemoryEstimate.For(small with { Model = small.Model with { Width = 128 } }).TotalBytes > baseline);
        Assert.True(MemoryEstimate.For(small with { Training = small.Training with { BatchSize = TrainingConfig.FullBatch } }).TotalBytes
            >= MemoryEstimate.For(small with { Training = small.Training with { BatchSize = 32 } }).TotalBytes);
        Assert.True(MemoryEstimate.For(small with { Training = small.Training with { Dtype = "float64" } }).TotalBytes > baseline);
    }

    [Fact]
    public void A_noop_run_needs_nothing() =>
        Assert.Equal(0, MemoryEstimate.For(new RunConfig { Task = new TaskConfig { Kind = "noop" } }).TotalBytes);
}
