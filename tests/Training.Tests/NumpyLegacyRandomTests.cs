using Grokking.Training.Config;
using Grokking.Training.Tasks;

namespace Grokking.Training.Tests;

/// <summary>NumPy's legacy generator as train_add.py uses it, and the data it draws for Liu et al.'s Figure 5 (seed 58).</summary>
public sealed class NumpyLegacyRandomTests
{
    public NumpyLegacyRandomTests() => TorchRuntime.Initialise();

    // What NumPy prints: np.random.seed(0); np.random.rand() / np.random.randn() / np.random.permutation(10).
    [Fact]
    public void Seed_0_gives_numpy_s_rand_randn_and_permutation()
    {
        Assert.Equal(0.5488135039273248, new NumpyLegacyRandom(0).NextDouble());
        Assert.Equal(1.764052345967664, new NumpyLegacyRandom(0).NextGaussian());
        Assert.Equal([2, 8, 4, 9, 1, 6, 7, 3, 0, 5], new NumpyLegacyRandom(0).Permutation(10));
        Assert.Equal([8, 1, 5, 0, 7, 2, 9, 4, 3, 6], new NumpyLegacyRandom(42).Permutation(10));
    }

    [Fact]
    public void The_second_normal_of_a_pair_is_the_cached_one()
    {
        var random = new NumpyLegacyRandom(0);
        double first = random.NextGaussian(), second = random.NextGaussian();
        Assert.Equal(1.764052345967664, first);
        Assert.Equal(0.4001572083672233, second); // np.random.seed(0); np.random.randn(2)[1]
    }

    [Fact]
    public void Liu_et_al_s_seed_58_holds_out_these_ten_pairs()
    {
        // train_add.py with its defaults (seed 58, p 10, output_dim 30, train_num 45): 19 x 30 normals, then
        // np.random.choice(55, 45, replace=False). The held-out pairs, from this generator (its seed-0 outputs are
        // NumPy's above):
        var task = new TaskConfig { Kind = "toy", Modulus = 10, TrainFraction = 45.0 / 55, Loss = "mse", TargetDim = 30, NumpySeed = 58 };
        using var data = ToyAdditionTask.Build(task, seed: 1);
        var held = Pairs(data.ValInputs);
        Assert.Equal([(0, 2), (0, 4), (1, 5), (1, 7), (2, 4), (4, 4), (4, 6), (5, 5), (5, 8), (5, 9)], held);
        Assert.Equal(45, data.TrainCount);
        Assert.NotNull(data.Targets);
        Assert.Equal(19, data.Targets!.GetLength(0));
        Assert.Equal(30, data.Targets.GetLength(1));
        Assert.Equal(-0.7601861461745268, data.Targets[0, 0]);
        Assert.Equal(1.0, ToyAdditionTask.IdealValidationAccuracy(task, seed: 1));
    }

    [Fact]
    public void The_run_seed_does_not_change_the_numpy_draw_but_does_without_it()
    {
        var numpy = new TaskConfig { Kind = "toy", Modulus = 10, TrainFraction = 45.0 / 55, Loss = "mse", TargetDim = 30, NumpySeed = 58 };
        using var a = ToyAdditionTask.Build(numpy, seed: 1);
        using var b = ToyAdditionTask.Build(numpy, seed: 2);
        Assert.Equal(Pairs(a.ValInputs), Pairs(b.ValInputs));
        using var c = ToyAdditionTask.Build(numpy with { NumpySeed = null }, seed: 1);
        using var d = ToyAdditionTask.Build(numpy with { NumpySeed = null }, seed: 2);
        Assert.NotEqual(Pairs(c.ValInputs), Pairs(d.ValInputs));
        Assert.Null(c.Targets);
    }

    private static List<(long, long)> Pairs(TorchSharp.torch.Tensor inputs)
    {
        var flat = inputs.data<long>().ToArray();
        return Enumerable.Range(0, flat.Length / 2).Select(i => (flat[2 * i], flat[2 * i + 1])).Order().ToList();
    }
}
