using TorchSharp;
using System.Collections.Concurrent;
using static TorchSharp.torch;

namespace Grokking.Training.Metrics;

/// <summary>
/// Liu et al.'s representation quality index (RQI): after normalising the embeddings to zero mean and unit
/// standard deviation, the share of quadruples i &lt; j &lt;= m &lt; n with i + n = j + m for which
/// mean((E_i + E_n - E_j - E_m)^2) &lt; 0.01, i.e. how much of the arithmetic structure the embeddings encode.
/// </summary>
public static class RepresentationQuality
{
    /// <summary>Tolerance on the mean squared parallelogram residual, as in Liu et al.</summary>
    public const double Tolerance = 0.01;

    private static readonly ConcurrentDictionary<int, long[][]> QuadruplesByCount = new();

    /// <summary>RQI of the first <paramref name="count"/> rows of <paramref name="embeddings"/> [V, d]; null when there are no quadruples.</summary>
    public static double? Of(Tensor embeddings, int count)
    {
        var quadruples = QuadruplesByCount.GetOrAdd(count, Enumerate);
        if (quadruples[0].Length == 0) return null;
        using var scope = NewDisposeScope();
        var e = embeddings.detach().narrow(0, 0, count).to_type(ScalarType.Float64);
        e = e.add(e.mean(), Scalars.MinusOne).div(e.std()); // never a - b: see Scalars
        // ||E_i + E_n - E_j - E_m||^2 expands into sixteen signed entries of the Gram matrix G = E E^T, so the
        // residual of every quadruple is gathered from a count x count matrix instead of copying wide rows.
        var gram = e.matmul(e.t()).flatten();
        // Scalars are held by usings until the ops that read them returned (see Scalars).
        using var stride = ((long)count).ToScalar();
        using var plus = 1L.ToScalar();
        using var minus = (-1L).ToScalar();
        using var width = e.shape[1].ToScalar();
        using var tolerance = Tolerance.ToScalar();
        var members = quadruples.Select(q => tensor(q)).ToArray();
        var rows = members.Select(m => m.mul(stride)).ToArray();
        long[] signs = [1, -1, -1, 1];
        var squared = zeros(quadruples[0].Length, dtype: ScalarType.Float64);
        for (int a = 0; a < 4; a++)
            for (int b = 0; b < 4; b++)
                squared.add_(gram.index_select(0, rows[a].add(members[b], Scalars.OneInteger)), signs[a] * signs[b] > 0 ? plus : minus);
        var close = squared.div_(width).lt(tolerance);
        return close.to_type(ScalarType.Float64).mean().item<double>();
    }

    private static long[][] Enumerate(int count)
    {
        var parts = new[] { new List<long>(), new List<long>(), new List<long>(), new List<long>() };
        for (int i = 0; i < count; i++)
        for (int j = i + 1; j < count; j++)
        for (int m = j; m < count; m++)
        {
            int n = j + m - i;
            if (n >= count || n <= m) continue;
            parts[0].Add(i); parts[1].Add(j); parts[2].Add(m); parts[3].Add(n);
        }
        return parts.Select(p => p.ToArray()).ToArray();
    }
}
