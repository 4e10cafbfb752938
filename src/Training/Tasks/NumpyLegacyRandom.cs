namespace Grokking.Training.Tasks;

/// <summary>
/// NumPy's legacy global generator (<c>np.random.seed(s)</c> then <c>np.random.normal</c> / <c>np.random.choice</c>),
/// reimplemented so a run can use exactly the data an author's script drew: MT19937 seeded by init_genrand, doubles
/// from two 32-bit draws (53 bits), normals by the polar method with the second value cached (legacy_gauss),
/// bounded integers by masked rejection (random_interval), permutations by Fisher-Yates from the end (legacy
/// shuffle). Pinned by tests against values NumPy prints for seed 0 (rand 0.5488135039273248, randn
/// 1.764052345967664, permutation(10) [2 8 4 9 1 6 7 3 0 5]).
/// </summary>
public sealed class NumpyLegacyRandom
{
    private const int N = 624, M = 397;
    private readonly uint[] _state = new uint[N];
    private int _position = N;
    private bool _hasGauss;
    private double _gauss;

    public NumpyLegacyRandom(uint seed)
    {
        _state[0] = seed;
        for (int i = 1; i < N; i++) _state[i] = 1812433253u * (_state[i - 1] ^ (_state[i - 1] >> 30)) + (uint)i;
    }

    /// <summary>MT19937's next 32-bit output (genrand_int32).</summary>
    public uint NextUInt32()
    {
        if (_position >= N) Twist();
        uint y = _state[_position++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        return y ^ (y >> 18);
    }

    /// <summary>A double in [0, 1) from 53 random bits (np.random.rand).</summary>
    public double NextDouble()
    {
        long a = NextUInt32() >> 5, b = NextUInt32() >> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    /// <summary>A standard normal (np.random.randn / normal(0, 1)).</summary>
    public double NextGaussian()
    {
        if (_hasGauss)
        {
            _hasGauss = false;
            return _gauss;
        }
        double x1, x2, r2;
        do
        {
            x1 = 2 * NextDouble() - 1;
            x2 = 2 * NextDouble() - 1;
            r2 = x1 * x1 + x2 * x2;
        } while (r2 >= 1 || r2 == 0);
        double f = Math.Sqrt(-2 * Math.Log(r2) / r2);
        _gauss = f * x1;
        _hasGauss = true;
        return f * x2;
    }

    /// <summary>An integer in [0, <paramref name="max"/>] by masked rejection.</summary>
    public uint Interval(uint max)
    {
        if (max == 0) return 0;
        uint mask = max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        uint value;
        while ((value = NextUInt32() & mask) > max) { }
        return value;
    }

    /// <summary>np.random.permutation(n); np.random.choice(n, k, replace=False) is its first k entries.</summary>
    public long[] Permutation(int n)
    {
        var values = new long[n];
        for (int i = 0; i < n; i++) values[i] = i;
        for (int i = n - 1; i >= 1; i--)
        {
            int j = (int)Interval((uint)i);
            (values[i], values[j]) = (values[j], values[i]);
        }
        return values;
    }

    private void Twist()
    {
        for (int i = 0; i < N; i++)
        {
            uint y = (_state[i] & 0x80000000u) | (_state[(i + 1) % N] & 0x7fffffffu);
            _state[i] = _state[(i + M) % N] ^ (y >> 1) ^ ((y & 1) != 0 ? 0x9908b0dfu : 0u);
        }
        _position = 0;
    }
}
