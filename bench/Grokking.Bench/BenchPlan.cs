namespace Grokking.Bench;

/// <summary>How much work each part of the benchmark does.</summary>
/// <param name="MatmulSizes">Square matrix sizes n for torch.mm.</param>
/// <param name="MatmulSecondsPerSize">Timed repetitions of one size stop after about this long.</param>
/// <param name="TransformerSteps">Training steps of each timed transformer run (a, b and c).</param>
/// <param name="MlpSteps">Training steps of each timed image-MLP run (a, b and c).</param>
/// <param name="WarmupSteps">Steps of the untimed warm-up run of each path (JIT, allocator, dataset cache).</param>
/// <param name="Rounds">Times the triple (a, b, c) is repeated; the minimum of each is reported.</param>
public sealed record BenchPlan(
    IReadOnlyList<int> MatmulSizes,
    double MatmulSecondsPerSize,
    int TransformerSteps,
    int MlpSteps,
    int WarmupSteps,
    int Rounds)
{
    public string Name { get; init; } = "full";

    /// <summary>The full benchmark: about four minutes on a 2-core CPU (the bare transformer loop runs ~20 steps/s there).</summary>
    public static BenchPlan Full => new([512, 1024, 2048], 1.5, TransformerSteps: 500, MlpSteps: 1000, WarmupSteps: 10, Rounds: 2);

    /// <summary>A smoke version of about half a minute: same code paths, fewer steps, one round.</summary>
    public static BenchPlan Quick => new([256, 512, 1024], 0.5, TransformerSteps: 40, MlpSteps: 150, WarmupSteps: 5, Rounds: 1)
    {
        Name = "quick",
    };
}
