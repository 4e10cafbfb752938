using Grokking.Training.Metrics;

namespace Grokking.Grains.Tests.Metrics;

/// <summary>Metric rows shaped like a real run: every step has train values, evaluations only some steps.</summary>
internal static class SampleMetrics
{
    /// <summary>Values whose bits a lossy path would change: subnormal, negative zero, extremes, non-terminating fractions.</summary>
    public static readonly double[] AwkwardDoubles =
        [double.Epsilon, -0.0, double.MaxValue, double.MinValue, 1.0 / 3.0, 0.1 + 0.2, Math.PI * 1e-300, -2.5e-308];

    public static List<StepMetrics> Steps(long firstStep, int count, int seed = 1)
    {
        var random = new Random(seed);
        var steps = new List<StepMetrics>(count);
        for (int i = 0; i < count; i++)
        {
            long step = firstStep + i;
            bool evaluated = step % 5 == 0;
            steps.Add(new StepMetrics(
                Step: step,
                TrainLoss: i < AwkwardDoubles.Length ? AwkwardDoubles[i] : random.NextDouble() * 10,
                TrainAcc: random.NextDouble(),
                Lr: 1e-3 * random.NextDouble(),
                WallTimeS: step * 0.0123456789,
                EvalTrainLoss: evaluated ? random.NextDouble() : null,
                EvalTrainAcc: evaluated ? random.NextDouble() : null,
                ValLoss: evaluated ? random.NextDouble() * 5 : null,
                ValAcc: evaluated ? random.NextDouble() : null,
                WeightNorm: step % 2 == 0 ? 40 + random.NextDouble() : null,
                Rqi: null));
        }
        return steps;
    }

    /// <summary>Two layers measured every tenth step of [firstStep, firstStep + count).</summary>
    public static List<LayerMetrics> Layers(long firstStep, int count)
    {
        var layers = new List<LayerMetrics>();
        for (long step = firstStep; step < firstStep + count; step++)
        {
            if (step % 10 != 0) continue;
            layers.Add(new LayerMetrics(step, 0, "blocks.0.mlp", 100 + step, Math.Sqrt(step)));
            layers.Add(new LayerMetrics(step, 1, "blocks.1.mlp", 50 + step, 1.0 / step));
        }
        return layers;
    }
}
