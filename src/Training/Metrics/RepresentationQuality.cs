using TorchSharp;
using System.Collections.Concurrent;
using static TorchSharp.torch;

namespace Grokking.Training.Metrics;

/// <summary>
/// Liu et al.'s representation quality index (RQI) as their code computes it (ejmichaud/grokking-squared at 0229df9,
/// toy/train_add.py:274-282 and 356-372): normalise each embedding dimension to zero mean and unit standard deviation
/// (<c>(reprs - reprs.mean(0)) / reprs.std(0)</c>), then take the share of parallelograms, pairs of distinct unordered
/// number pairs {i, n} and {j, m} with equal sums, for which mean((E_i + E_n - E_j - E_m)²) &lt; 0.01.
/// </summary>
/// <remarks>
/// Liu et al. enumerate i &lt; j ≤ m &lt; n with i + n = j + m, which is every such pair of pairs once (70 for p = 10).
/// For x+y and x−y mod p the sums are compared mod p, so the wrap-around parallelograms of a circular
/// representation count too; RQI is undefined (null) for operations without additive structure.
/// </remarks>
public static class RepresentationQuality
{
    /// <summary>Tolerance on the mean squared parallelogram residual (threshold_P in Liu et al.'s code).</summary>
    public const double Tolerance = 0.01;

    private static readonly ConcurrentDictionary<(int Count, int Modulus), long[][]> QuadruplesByShape = new();

    /// <summary>RQI of the number embeddings [count, d]; null when there are no parallelograms.</summary>
    /// <param name="modulus">0 compares sums as integers (Liu et al.'s toy addition); p compares them mod p.</param>
    public static double? Of(Tensor numberEmbeddings, int modulus)
    {
        int count = (int)numberEmbeddings.shape[0];
        var quadruples = Quadruples(count, modulus);
        if (quadruples[0].Length == 0 || count < 2) return null;
        using var scope = NewDisposeScope();
        var e = numberEmbeddings.detach().to_type(ScalarType.Float64);
        e = e.add(e.mean([0], keepdim: true), Scalars.MinusOne).div(e.std(0, keepdim: true)); // never a - b: see Scalars
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
        long[] signs = [1, 1, -1, -1];
        var squared = zeros(quadruples[0].Length, dtype: ScalarType.Float64);
        for (int a = 0; a < 4; a++)
            for (int b = 0; b < 4; b++)
                squared.add_(gram.index_select(0, rows[a].add(members[b], Scalars.OneInteger)), signs[a] * signs[b] > 0 ? plus : minus);
        var close = squared.div_(width).lt(tolerance);
        return close.to_type(ScalarType.Float64).mean().item<double>();
    }

    /// <summary>Every parallelogram as four index arrays (i, n, j, m): E_i + E_n should equal E_j + E_m.</summary>
    public static long[][] Quadruples(int count, int modulus) => QuadruplesByShape.GetOrAdd((count, modulus), Enumerate);

    private static long[][] Enumerate((int Count, int Modulus) shape)
    {
        var (count, modulus) = shape;
        var pairsBySum = new Dictionary<int, List<(int, int)>>();
        for (int a = 0; a < count; a++)
            for (int b = a; b < count; b++)
            {
                int sum = modulus > 0 ? (a + b) % modulus : a + b;
                if (!pairsBySum.TryGetValue(sum, out var pairs)) pairsBySum[sum] = pairs = [];
                pairs.Add((a, b));
            }
        var parts = new[] { new List<long>(), new List<long>(), new List<long>(), new List<long>() };
        foreach (var pairs in pairsBySum.Values)
            for (int u = 0; u < pairs.Count; u++)
                for (int v = u + 1; v < pairs.Count; v++)
                {
                    parts[0].Add(pairs[u].Item1); parts[1].Add(pairs[u].Item2);
                    parts[2].Add(pairs[v].Item1); parts[3].Add(pairs[v].Item2);
                }
        return parts.Select(p => p.ToArray()).ToArray();
    }
}
