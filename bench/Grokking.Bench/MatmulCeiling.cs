using static TorchSharp.torch;

namespace Grokking.Bench;

/// <summary>
/// The fraction of the matmul peak a model's training step could reach if everything but its matrix products took
/// no time: the step's products, at their own shapes, timed back to back on preallocated operands. A training
/// loop's fraction of peak cannot exceed it, so it separates "the products are too small for this machine" from
/// "the rest of the step costs too much".
/// </summary>
public static class MatmulCeiling
{
    private const int WarmupRepetitions = 5;
    private const int MinRepetitions = 10;

    /// <summary>GFLOP/s of the best repetition of all <paramref name="shapes"/> in sequence.</summary>
    public static double Gflops(IReadOnlyList<GemmShape> shapes, double seconds)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(7);
        var operands = shapes.Select(s => s.Batch == 1
            ? (rand(s.M, s.K, generator: generator), rand(s.K, s.N, generator: generator))
            : (rand(s.Batch, s.M, s.K, generator: generator), rand(s.Batch, s.K, s.N, generator: generator))).ToList();
        double best = Repetitions.Time(() => MultiplyAll(operands), WarmupRepetitions, MinRepetitions, seconds)[0];
        return shapes.Sum(s => s.Flops) / best / 1e9;
    }

    private static void MultiplyAll(List<(Tensor A, Tensor B)> operands)
    {
        foreach (var (a, b) in operands)
        {
            using var product = a.dim() == 2 ? mm(a, b) : bmm(a, b);
        }
    }
}
