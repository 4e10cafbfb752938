using static TorchSharp.torch;

namespace Grokking.Training.Tasks;

/// <summary>
/// The vectors an MSE loss regresses each class onto, one row per class. With no dimension given they are
/// the one-hot rows (Omnigrok's MSE on one-hot labels); with a dimension d they are fixed random N(0, 1)
/// vectors of length d drawn from the run's seed, as in Liu et al.'s toy regression, where the model's
/// output is read as the class of the nearest target.
/// </summary>
public static class RegressionTargets
{
    private const long TargetPurpose = 4;

    /// <summary>A [classes, dim] matrix: the identity when <paramref name="dim"/> is 0, seeded Gaussian rows otherwise.</summary>
    public static Tensor For(int classes, int dim, long seed, ScalarType dtype)
    {
        if (classes < 1) throw new ArgumentOutOfRangeException(nameof(classes), classes, "at least one class");
        if (dim < 0) throw new ArgumentOutOfRangeException(nameof(dim), dim, "0 (one-hot) or a positive length");
        if (dim == 0) return eye(classes, dtype: dtype);

        // A private PRNG (not torch's) so the targets are the same on every machine and torch version.
        var rng = new SplitMix64(SplitMix64.Mix(seed, TargetPurpose));
        var values = new double[classes * dim];
        for (int i = 0; i < values.Length; i += 2)
        {
            var (a, b) = StandardNormalPair(ref rng);
            values[i] = a;
            if (i + 1 < values.Length) values[i + 1] = b;
        }
        using var doubles = tensor(values, [classes, dim], ScalarType.Float64);
        return doubles.to_type(dtype);
    }

    /// <summary>Two independent N(0, 1) draws (Box-Muller).</summary>
    private static (double, double) StandardNormalPair(ref SplitMix64 rng)
    {
        // 53 random bits in (0, 1]: never 0, so the logarithm is finite.
        double u1 = ((rng.Next() >> 11) + 1) * (1.0 / (1UL << 53));
        double u2 = (rng.Next() >> 11) * (1.0 / (1UL << 53));
        double r = Math.Sqrt(-2 * Math.Log(u1));
        return (r * Math.Cos(2 * Math.PI * u2), r * Math.Sin(2 * Math.PI * u2));
    }
}
