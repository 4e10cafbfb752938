using Grokking.Grains.Contracts;
using Grokking.Training.Config;
using Grokking.Training.Metrics;
using Grokking.Training.Runs;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Grokking.Grains.Tests.Runs;

public sealed class RunOutcomeSummaryTests
{
    [Fact]
    public void The_stop_reason_reaches_the_grains_through_the_summary_and_orleans_serialization()
    {
        var config = new RunConfig
        {
            Task = new TaskConfig { Kind = "noop" },
            Training = new TrainingConfig { Steps = 1000, EvalEvery = 10, RankEvery = 0, StopPhaseDecided = true },
        };
        using var trainer = NoopTrainer.Create(config);
        trainer.TrainUntil(1000, new List<StepMetrics>(), new List<LayerMetrics>());
        var summary = RunOutcomeSummary.From(trainer.Outcome);
        Assert.Equal(("phase_decided", true, 560L), (summary.StopReason, summary.StoppedEarly, summary.StepsTrained));

        using var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        Assert.Equal(summary, serializer.Deserialize<RunOutcomeSummary>(serializer.SerializeToArray(summary)));
    }
}
