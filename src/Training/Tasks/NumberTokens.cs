namespace Grokking.Training.Tasks;

/// <summary>
/// Where a task's number tokens sit in its vocabulary, and which parallelograms their embeddings should form if the
/// network learned the arithmetic (what Liu et al.'s RQI counts).
/// </summary>
/// <param name="First">Token id of the number 0; numbers 0..Count-1 are ids First..First+Count-1.</param>
/// <param name="Count">How many numbers.</param>
/// <param name="ParallelogramModulus">
/// Null where RQI is undefined (no additive structure: x/y, x²+y², S5, images); 0 for integer sums (Liu et al.'s toy
/// addition: i + n = j + m); p for sums mod p (x+y and x−y mod p: i + n ≡ j + m).
/// </param>
public sealed record NumberTokens(int First, int Count, int? ParallelogramModulus)
{
    /// <summary>No number tokens (images, noop).</summary>
    public static NumberTokens None { get; } = new(0, 0, null);
}
