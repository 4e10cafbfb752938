using Grokking.Training.Runs;
using Grokking.Training.Tasks;
using static TorchSharp.torch;

namespace Grokking.Bench;

/// <summary>
/// Minibatches in the order RunTrainer draws them (the same <see cref="BatchOrder"/> with the same seed), so the bare
/// loop trains on exactly the same batches as the executor.
/// </summary>
public sealed class EpochBatches(Tensor inputs, Tensor labels, long batchSize, long seed)
{
    // RunTrainer's purpose tag for the data-order stream (private there; must stay equal to give the same batches).
    private const long DataOrderPurpose = 3;

    private readonly long _count = labels.shape[0];
    private readonly BatchOrder _order = new(labels.shape[0], batchSize, SplitMix64.Mix(seed, DataOrderPurpose));

    /// <summary>The next batch; tensors belong to the caller's dispose scope.</summary>
    public (Tensor Inputs, Tensor Labels) Next()
    {
        if (batchSize >= _count) return (inputs, labels);
        var index = tensor(_order.Next());
        return (inputs.index_select(0, index), labels.index_select(0, index));
    }
}
