namespace Grokking.Training.Tasks;

/// <summary>SplitMix64: a tiny PRNG whose whole state is one ulong, so it is trivially checkpointed and portable.</summary>
public struct SplitMix64(ulong state)
{
    public ulong State { get; private set; } = state;

    public ulong Next()
    {
        State += 0x9E3779B97F4A7C15UL;
        ulong z = State;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A seed derived from several integers (e.g. run seed and purpose).</summary>
    public static ulong Mix(params long[] parts)
    {
        var rng = new SplitMix64(0x243F6A8885A308D3UL);
        ulong h = 0;
        foreach (var part in parts)
        {
            rng.State ^= (ulong)part;
            h = rng.Next();
        }
        return h;
    }

    /// <summary>A uniformly shuffled 0..n-1 (Fisher-Yates), identical on every machine for the same seed.</summary>
    public static long[] Permutation(long n, ulong seed)
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
