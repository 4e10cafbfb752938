using TorchSharp;
using static TorchSharp.torch;

namespace Grokking.Training.Metrics;

/// <summary>
/// Fan et al.'s feature rank as their code computes it (Olivia-fsm/Deep-Grokking at 52a0cab, tunnel_methods.py:260-272:
/// <c>matrix_rank(torch.cov(rep.T))</c>): the features are a layer's Linear outputs (pre-activations), one row per probe
/// example; the rows are centred (covariance with correction 1) and the rank counts singular values of the d × d
/// covariance above torch's default tolerance, σ_max · d · ε of the dtype (ε = 1.19e-7 in float32, 2.22e-16 in float64).
/// </summary>
public static class FeatureRank
{
    /// <summary>Rank of the covariance of the rows of <paramref name="features"/> [N, d]; 0 for fewer than two rows.</summary>
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
