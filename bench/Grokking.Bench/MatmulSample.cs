namespace Grokking.Bench;

/// <summary>fp32 torch.mm throughput for one square size n: the best and the median repetition.</summary>
public sealed record MatmulSample(int Size, int Repetitions, double BestGflops, double MedianGflops)
{
    /// <summary>FLOPs of one n×n by n×n product: n³ multiply-adds, 2 FLOPs each.</summary>
    public static double Flops(int n) => 2.0 * n * n * n;
}
