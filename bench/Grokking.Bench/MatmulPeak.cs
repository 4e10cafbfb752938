using static TorchSharp.torch;

namespace Grokking.Bench;

/// <summary>Measures this machine's fp32 matmul throughput with TorchSharp; the best size's best repetition is the peak.</summary>
public static class MatmulPeak
{
    private const int WarmupRepetitions = 3;
    private const int MinRepetitions = 5;

    /// <summary>One sample per size, in the order given.</summary>
    public static IReadOnlyList<MatmulSample> Measure(IReadOnlyList<int> sizes, double secondsPerSize) =>
        sizes.Select(n => MeasureSize(n, secondsPerSize)).ToList();

    /// <summary>The highest best-repetition throughput among the samples, in GFLOP/s.</summary>
    public static double PeakGflops(IReadOnlyList<MatmulSample> samples) => samples.Max(s => s.BestGflops);

    private static MatmulSample MeasureSize(int n, double secondsPerSize)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(42);
        var a = rand(n, n, generator: generator);
        var b = rand(n, n, generator: generator);
        var seconds = Repetitions.Time(() => Multiply(a, b), WarmupRepetitions, MinRepetitions, secondsPerSize);
        double flops = MatmulSample.Flops(n);
        return new MatmulSample(n, seconds.Count, flops / seconds[0] / 1e9, flops / seconds[seconds.Count / 2] / 1e9);
    }

    // On the CPU torch.mm returns only once the product is computed, so the stopwatch covers the whole multiplication.
    private static void Multiply(Tensor a, Tensor b)
    {
        using var product = mm(a, b);
    }
}
