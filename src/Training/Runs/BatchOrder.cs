using Grokking.Training.Tasks;

namespace Grokking.Training.Runs;

/// <summary>
/// Seeded epoch-by-epoch shuffling without replacement; an epoch ends with a smaller batch when the batch size does not
/// divide the data (PyTorch's DataLoader default, drop_last=False, which openai/grok and Omnigrok train with). The
/// permutation of epoch e is a pure function of (seed, e), so the whole data-order state is two integers in a checkpoint.
/// </summary>
public sealed class BatchOrder(long count, long batchSize, ulong seed)
{
    private long[]? _order;

    /// <summary>Epochs completed.</summary>
    public long Epoch { get; private set; }

    /// <summary>Examples of the current epoch already handed out.</summary>
    public long Position { get; private set; }

    /// <summary>True once the first batch has been drawn.</summary>
    public bool Started => _order is not null;

    /// <summary>Indices of the next batch.</summary>
    public long[] Next()
    {
        if (_order is null || Position >= count)
        {
            if (_order is not null)
            {
                Epoch++;
                Position = 0;
            }
            _order = SplitMix64.Permutation(count, SplitMix64.Mix((long)seed, Epoch));
        }
        var batch = _order.AsSpan((int)Position, (int)Math.Min(batchSize, count - Position)).ToArray();
        Position += batch.Length;
        return batch;
    }

    /// <summary>Continues from a state saved as (<see cref="Epoch"/>, <see cref="Position"/>, <see cref="Started"/>).</summary>
    public void Restore(long epoch, long position, bool started)
    {
        Epoch = epoch;
        Position = position;
        _order = started ? SplitMix64.Permutation(count, SplitMix64.Mix((long)seed, Epoch)) : null;
    }
}
