using Grokking.Training.Config;
using Grokking.Training.Metrics;
using TorchSharp;
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
    public void Feature_rank_centres_the_features_so_a_common_offset_adds_no_rank()
    {
        // Rank-3 features shifted by one constant vector: the uncentred Gram matrix has rank 4, the covariance 3.
        var generator = new Generator(9);
        using var ten = 10.0.ToScalar(); // held until the op returned (see Scalars)
        using var features = randn(300, 3, generator: generator).matmul(randn(3, 16, generator: generator))
            .add(randn(1, 16, generator: generator).mul(ten));
        Assert.Equal(3, FeatureRank.Of(features));
        Assert.Equal(4, linalg.matrix_rank(features.t().matmul(features)).item<long>());
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
        // E_k = a + k b lies on a line: every integer parallelogram i + n = j + m closes exactly.
        using var k = arange(10, dtype: ScalarType.Float32).unsqueeze(1);
        using var embeddings = k.matmul(tensor(new float[] { 0.3f, -1.2f, 2f }).unsqueeze(0)) + 5;
        Assert.Equal(1.0, RepresentationQuality.Of(embeddings, modulus: 0));
    }

    [Fact]
    public void Rqi_counts_Liu_et_al_s_70_parallelograms_for_ten_symbols()
    {
        // grokking-squared toy/train_add.py:274-282 enumerates i < j <= m < n with i + n = j + m: 70 for p = 10.
        Assert.Equal(70, RepresentationQuality.Quadruples(10, modulus: 0)[0].Length);
    }

    [Fact]
    public void Rqi_by_hand_for_three_numbers_on_a_line_with_integer_and_modular_sums()
    {
        // E = [0, 1, 2] normalises (per dimension: mean 1, std 1) to [-1, 0, 1].
        // Integer sums: one parallelogram, {0,2} against {1,1}: -1 + 1 - 0 - 0 = 0, closed. RQI 1.
        // Sums mod 3: {0,0}~{1,2} (residual -1 - 1 - 0 - 1 = -3), {0,1}~{2,2} (-1 + 0 - 1 - 1 = -3), {0,2}~{1,1} (0):
        // one of three closes. RQI 1/3.
        using var embeddings = tensor(new double[] { 0, 1, 2 }).unsqueeze(1);
        Assert.Single(RepresentationQuality.Quadruples(3, modulus: 0)[0]);
        Assert.Equal(3, RepresentationQuality.Quadruples(3, modulus: 3)[0].Length);
        Assert.Equal(1.0, RepresentationQuality.Of(embeddings, modulus: 0));
        Assert.Equal(1.0 / 3, RepresentationQuality.Of(embeddings, modulus: 3)!.Value, 12);
    }

    [Fact]
    public void Rqi_normalises_each_dimension_on_its_own()
    {
        // Dimension 0 is a clean line of slope 100; dimension 1 a line of slope 1 plus noise of 0.05. With one global
        // std (about 290) the noise would vanish and every parallelogram close; per dimension (Liu et al.'s
        // reprs.std(0)) the noise is large against dimension 1's std of about 3, and some do not.
        const int count = 10;
        var noise = randn(count, dtype: ScalarType.Float64, generator: new Generator(5)).data<double>().ToArray();
        var values = new double[count * 2];
        for (int k = 0; k < count; k++) { values[2 * k] = 100.0 * k; values[2 * k + 1] = k + 0.5 * noise[k]; }
        using var embeddings = tensor(values, [count, 2]);
        double expected = ByHand(values, count, 2);
        Assert.InRange(expected, 0.01, 0.99);
        Assert.Equal(expected, RepresentationQuality.Of(embeddings, modulus: 0)!.Value, 12);
    }

    /// <summary>RQI straight from Liu et al.'s loops, per-dimension normalisation included.</summary>
    private static double ByHand(double[] e, int count, int width)
    {
        var normalised = new double[e.Length];
        for (int d = 0; d < width; d++)
        {
            var column = Enumerable.Range(0, count).Select(k => e[k * width + d]).ToArray();
            double mean = column.Average();
            double std = Math.Sqrt(column.Sum(v => (v - mean) * (v - mean)) / (count - 1));
            for (int k = 0; k < count; k++) normalised[k * width + d] = (e[k * width + d] - mean) / std;
        }
        int close = 0, total = 0;
        for (int i = 0; i < count; i++)
        for (int j = i + 1; j < count; j++)
        for (int m = j; m < count; m++)
        for (int n = m + 1; n < count; n++)
        {
            if (i + n - j - m != 0) continue;
            total++;
            double sum = 0;
            for (int d = 0; d < width; d++)
            {
                double r = normalised[i * width + d] + normalised[n * width + d] - normalised[j * width + d] - normalised[m * width + d];
                sum += r * r;
            }
            if (sum / width < RepresentationQuality.Tolerance) close++;
        }
        return (double)close / total;
    }

    [Fact]
    public void Rqi_is_low_for_random_embeddings()
    {
        using var embeddings = randn(10, 1, generator: new Generator(11));
        Assert.InRange(RepresentationQuality.Of(embeddings, modulus: 0)!.Value, 0.0, 0.2);
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
        var tracker = new OutcomeTracker(new TrainingConfig { PhaseThreshold = 0.9, PhaseGap = 1000, StopValAcc = 0.99, StopEvals = 3 });
        tracker.Observe(100, 0.1, 1.0, 0.1, 0.995);
        tracker.Observe(200, 0.1, 1.0, 0.1, 0.98);
        tracker.Observe(300, 0.1, 1.0, 0.1, 0.995);
        tracker.Observe(400, 0.1, 1.0, 0.1, 0.999);
        Assert.False(tracker.ShouldStop);
        tracker.Observe(500, 0.1, 1.0, 0.1, 0.999);
        Assert.True(tracker.ShouldStop);
        Assert.Equal(100, tracker.StepVal99);
    }

    [Fact]
    public void Outcome_tracker_records_the_first_step_below_the_validation_loss_level_and_can_stop_there()
    {
        var tracker = new OutcomeTracker(new TrainingConfig { ValLossLevel = 0.1, StopValLoss = 0.05 });
        tracker.Observe(10, 0.5, 0.5, 2.0, 0.1);
        tracker.Observe(20, 0.01, 1.0, 0.09, 0.97);
        Assert.Equal(20, tracker.StepValLossBelow);
        Assert.False(tracker.ShouldStop);
        tracker.Observe(30, 0.01, 1.0, 0.2, 0.9); // the first crossing stands
        tracker.Observe(40, 0.01, 1.0, 0.04, 1.0);
        Assert.Equal(20, tracker.StepValLossBelow);
        Assert.True(tracker.ShouldStop);
        Assert.Equal(20, tracker.Outcome(40, 1.0).StepValLossBelow);
    }

    [Fact]
    public void Feature_rank_s_probe_spans_the_whole_validation_split_not_its_first_rows()
    {
        // Validation rows are sorted x-major, so the first 512 of x+y mod 97 at 50% hold only x <= 10.
        var config = new RunConfig { Task = new TaskConfig { Operation = "x+y", Modulus = 97, TrainFraction = 0.5 } };
        using var data = Tasks.ModularTask.Build(config.Task, config.Seed);
        var rows = Runs.RunTrainer.ProbeRows(config, data.ValCount);
        Assert.Equal(512, rows.Length);
        Assert.Equal(rows.Length, rows.Distinct().Count());
        var x = data.ValInputs.select(1, 0).data<long>().ToArray();
        var probeX = rows.Select(r => x[r]).ToList();
        Assert.True(probeX.Max() >= 90 && probeX.Min() <= 5, $"probe x spans {probeX.Min()}..{probeX.Max()}");
        Assert.True(x.Take(512).Max() <= 11, "the first rows really are the small x (what the old probe measured)");
        // Another seed draws another probe; the same seed the same one.
        Assert.Equal(rows, Runs.RunTrainer.ProbeRows(config, data.ValCount));
        Assert.NotEqual(rows, Runs.RunTrainer.ProbeRows(config with { Seed = 1 }, data.ValCount));
    }
}
