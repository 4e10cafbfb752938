namespace Grokking.Bench;

/// <summary>One matrix product of a training step: Batch independent [M, K] × [K, N] products.</summary>
public sealed record GemmShape(int M, int K, int N, int Batch = 1)
{
    public double Flops => 2.0 * Batch * M * K * N;

    /// <summary>
    /// A Linear layer y = x Wᵀ on M rows, K inputs, N outputs, as a training step computes it: the forward product,
    /// and backward the input gradient dY·W ([M, N] × [N, K]) and the weight gradient dYᵀ·X ([N, M] × [M, K]).
    /// </summary>
    public static IEnumerable<GemmShape> LinearTraining(int m, int k, int n, int batch = 1) =>
    [
        new(m, k, n, batch),
        new(m, n, k, batch),
        new(n, m, k, batch),
    ];
}
