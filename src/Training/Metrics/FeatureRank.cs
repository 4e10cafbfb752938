using TorchSharp;
using static TorchSharp.torch;

namespace Grokking.Training.Metrics;

/// <summary>Fan et al.'s feature rank: matrix rank of the covariance of a layer's outputs over a fixed probe set.</summary>
public static class FeatureRank
{
    /// <summary>Rank (torch's default tolerance) of the covariance of the rows of <paramref name="features"/> [N, d].</summary>
    public static long Of(Tensor features)
    {
        using var scope = NewDisposeScope();
        var x = features.detach();
        if (x.shape[0] < 2) return 0;
        var centred = x.add(x.mean([0], keepdim: true), Scalars.MinusOne); // never a - b: see Scalars
        using var degrees = (x.shape[0] - 1).ToScalar(); // held until div_ returned (see Scalars)
        var covariance = centred.t().matmul(centred).div_(degrees);
        return linalg.matrix_rank(covariance).item<long>();
    }
}
