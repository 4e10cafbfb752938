using Grokking.Training.Metrics;
using static TorchSharp.torch;

namespace Grokking.Training.Tests;

public class MetricTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(17)]
    public void Feature_rank_recovers_the_rank_of_a_low_rank_feature_matrix(int rank)
    {
        var generator = new Generator(3);
        using var left = randn(400, rank, generator: generator);
        using var right = randn(rank, 32, generator: generator);
        using var features = left.matmul(right);
        Assert.Equal(rank, FeatureRank.Of(features));
    }

    [Fact]
    public void Feature_rank_of_full_rank_features_is_their_width_and_constant_features_rank_zero()
    {
        using var features = randn(500, 24, generator: new Generator(1));
        Assert.Equal(24, FeatureRank.Of(features));
        using var constant = ones(50, 8);
        Assert.Equal(0, FeatureRank.Of(constant));
    }

    [Fact]
    public void Rqi_is_one_for_embeddings_in_arithmetic_progression()
    {
        // E_k = a + k b lies on a line: every parallelogram i + n = j + m closes exactly.
        using var k = arange(10, dtype: ScalarType.Float32).unsqueeze(1);
        using var embeddings = k.matmul(tensor(new float[] { 0.3f, -1.2f, 2f }).unsqueeze(0)) + 5;
        Assert.Equal(1.0, RepresentationQuality.Of(embeddings, 10));
    }

    [Fact]
    public void Rqi_matches_the_definition_computed_quadruple_by_quadruple()
    {
        // A noisy line: some parallelograms close within the tolerance, others do not.
        const int count = 12;
        var generator = new Generator(5);
        using var embeddings = arange(count, dtype: ScalarType.Float64).unsqueeze(1).repeat(1, 3) * 0.1 + randn(count, 3, dtype: ScalarType.Float64, generator: generator) * 0.02;
        var e = embeddings.data<double>().ToArray();
        double mean = e.Average();
        double std = Math.Sqrt(e.Sum(v => (v - mean) * (v - mean)) / (e.Length - 1));
        int close = 0, total = 0;
        for (int i = 0; i < count; i++)
        for (int j = i + 1; j < count; j++)
        for (int m = j; m < count; m++)
        {
            int n = j + m - i;
            if (n >= count || n <= m) continue;
            total++;
            double sum = 0;
            for (int d = 0; d < 3; d++)
            {
                double r = (e[i * 3 + d] + e[n * 3 + d] - e[j * 3 + d] - e[m * 3 + d]) / std;
                sum += r * r;
            }
            if (sum / 3 < RepresentationQuality.Tolerance) close++;
        }
        Assert.InRange(close, 1, total - 1);
        Assert.Equal((double)close / total, RepresentationQuality.Of(embeddings, count)!.Value, 12);
    }

    [Fact]
    public void Rqi_is_low_for_random_embeddings()
    {
        using var embeddings = randn(10, 1, generator: new Generator(11));
        Assert.InRange(RepresentationQuality.Of(embeddings, 10)!.Value, 0.0, 0.2);
    }

    [Theory]
    [InlineData(100, 300, Phase.Comprehension)]
    [InlineData(100, 5000, Phase.Grokking)]
    [InlineData(100, null, Phase.Memorization)]
    [InlineData(null, null, Phase.Confusion)]
    public void Phase_classifier_follows_Liu_et_al(int? trainStep, int? valStep, Phase expected) =>
        Assert.Equal(expected, PhaseClassifier.Classify(trainStep, valStep, gap: 1000));

    [Fact]
    public void Phase_classifier_reads_synthetic_curves()
    {
        long[] steps = Enumerable.Range(1, 100).Select(i => (long)i * 100).ToArray();
        // Train accuracy saturates at step 500, validation rises as a late sigmoid around step 6000.
        double[] train = steps.Select(s => Math.Min(1.0, s / 500.0)).ToArray();
        double[] lateVal = steps.Select(s => 1 / (1 + Math.Exp(-(s - 6000) / 300.0))).ToArray();
        double[] earlyVal = steps.Select(s => Math.Min(1.0, s / 700.0)).ToArray();
        double[] chanceVal = steps.Select(_ => 0.05).ToArray();
        Assert.Equal(Phase.Grokking, PhaseClassifier.Classify(steps, train, lateVal, 0.9, 1000));
        Assert.Equal(Phase.Comprehension, PhaseClassifier.Classify(steps, train, earlyVal, 0.9, 1000));
        Assert.Equal(Phase.Memorization, PhaseClassifier.Classify(steps, train, chanceVal, 0.9, 1000));
        Assert.Equal(Phase.Confusion, PhaseClassifier.Classify(steps, chanceVal, chanceVal, 0.9, 1000));
        Assert.Equal(500, PhaseClassifier.FirstAtOrAbove(steps, train, 0.99));
    }

    [Fact]
    public void Outcome_tracker_stops_after_the_target_holds_for_k_evaluations()
    {
        var tracker = new OutcomeTracker(0.9, 1000, stopValAcc: 0.99, stopEvals: 3);
        tracker.Observe(100, 0.1, 1.0, 0.1, 0.995);
        tracker.Observe(200, 0.1, 1.0, 0.1, 0.98);
        tracker.Observe(300, 0.1, 1.0, 0.1, 0.995);
        tracker.Observe(400, 0.1, 1.0, 0.1, 0.999);
        Assert.False(tracker.ShouldStop);
        tracker.Observe(500, 0.1, 1.0, 0.1, 0.999);
        Assert.True(tracker.ShouldStop);
        Assert.Equal(100, tracker.StepVal99);
    }
}
