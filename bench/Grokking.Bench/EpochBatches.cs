using Grokking.Training.Tasks;
using static TorchSharp.torch;

namespace Grokking.Bench;

/// <summary>
/// Minibatches in the order RunTrainer draws them (a seeded permutation per epoch, batches taken in order,
/// an incomplete tail skipped), so the bare loop trains on exactly the same batches as the executor.
/// </summary>
public sealed class EpochBatches(Tensor inputs, Tensor labels, long batchSize, long seed)
{
    // RunTrainer's purpose tag for the data order stream (private there; must stay equal to be the same batches).
    private const long DataOrderPurpose = 3;

    private readonly long _count = labels.shape[0];
    private long _epoch;
    private long _position;
    private long[]? _order;

    /// <summary>The next batch; tensors belong to the caller's dispose scope.</summary>
    public (Tensor Inputs, Tensor Labels) Next()
    {
        if (batchSize >= _count) return (inputs, labels);
        if (_order is null || _position + batchSize > _count)
        {
            if (_order is not null)
            {
                _epoch++;
                _position = 0;
            }
            _order = Permutation(_count, SplitMix64.Mix(seed, DataOrderPurpose, _epoch));
        }
        var index = tensor(_order.AsSpan((int)_position, (int)batchSize).ToArray());
        _position += batchSize;
        return (inputs.index_select(0, index), labels.index_select(0, index));
    }

    private static long[] Permutation(long n, ulong seed)
    {
        var order = new long[n];
        for (long i = 0; i < n; i++) order[i] = i;
        var rng = new SplitMix64(seed);
        for (long i = n - 1; i > 0; i--)
        {
            long j = (long)(rng.Next() % (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }
}
