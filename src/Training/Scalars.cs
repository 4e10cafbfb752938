using TorchSharp;

namespace Grokking.Training;

/// <summary>
/// Scalars that live for the whole process. TorchSharp turns a number passed to an op into a temporary Scalar
/// (<c>p.mul_(0.9)</c>, and the implicit alpha of <c>add</c>, <c>sub</c>, <c>a + b</c>, <c>a - b</c>), and the garbage
/// collector may finalize that temporary, freeing its native memory, while the op is still reading it. With several
/// runs training on parallel threads this corrupts ops ("Unknown scalar type") or silently changes their arguments.
/// So: pass these for constant alphas, and hold per-step values with <c>using var s = x.ToScalar();</c> until the
/// op has returned. <c>ConcurrentTrainingTests</c> pins it.
/// </summary>
internal static class Scalars
{
    /// <summary>1, for the alpha of add/sub on floating-point tensors.</summary>
    public static readonly Scalar One = 1.0.ToScalar();

    /// <summary>-1, for a - b as a.add(b, MinusOne) on floating-point tensors.</summary>
    public static readonly Scalar MinusOne = (-1.0).ToScalar();

    /// <summary>1, for the alpha of add/sub on integer tensors.</summary>
    public static readonly Scalar OneInteger = 1L.ToScalar();
}
