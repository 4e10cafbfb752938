namespace Grokking.Bench;

/// <summary>
/// Analytic FLOP counts. A multiply-add is 2 FLOPs; only matmuls are counted (norms, softmax, activations and the
/// optimizer are left out, so the achieved fraction is a slight underestimate). A training step costs
/// 3 × the forward FLOPs: the backward pass computes gradients for both inputs and weights, ≈ 2 × forward.
/// </summary>
public static class TrainingFlops
{
    /// <summary>Forward + backward ≈ 3 × forward.</summary>
    public const int TrainingFactor = 3;

    /// <summary>
    /// Forward matmul FLOPs of one example through the decoder-only transformer with L tokens, width W, FFN width F,
    /// as TransformerModel computes it: every layer but the last at every position, QKV 2·L·W·3W + scores 2·L·L·W +
    /// attention·V 2·L·L·W + output projection 2·L·W·W + FFN 2·L·W·F·2; the last layer keys and values at every
    /// position 2·L·W·2W, and the rest for the last position only: query 2·W·W + scores 2·L·W + attention·V 2·L·W +
    /// output projection 2·W·W + FFN 2·W·F·2; the unembedding 2·W·classes.
    /// </summary>
    public static double TransformerForward(int length, int width, int ffnWidth, int layers, int classes)
    {
        double l = length, w = width, f = ffnWidth;
        double everyPosition = 2 * l * w * 3 * w + 2 * l * l * w + 2 * l * l * w + 2 * l * w * w + 2 * l * w * f * 2;
        double lastLayer = 2 * l * w * 2 * w + 2 * w * w + 2 * l * w + 2 * l * w + 2 * w * w + 2 * w * f * 2;
        return (layers - 1) * everyPosition + lastLayer + 2 * w * classes;
    }

    /// <summary>Forward matmul FLOPs of one example through Linear layers of the given (in, out) sizes: 2 · Σ in·out.</summary>
    public static double MlpForward(IEnumerable<(int In, int Out)> layers) => 2.0 * layers.Sum(l => (double)l.In * l.Out);

    /// <summary>FLOPs of one training step on a batch: 3 × forward × batch.</summary>
    public static double TrainingStep(double forwardPerExample, int batch) => TrainingFactor * forwardPerExample * batch;
}
