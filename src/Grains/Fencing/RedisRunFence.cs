using Grokking.Grains.Checkpoints;
using StackExchange.Redis;

namespace Grokking.Grains.Fencing;

/// <summary>
/// The fence of a cluster's runs: the token lives in a Redis key, grokking:fence:{sweep}:{run}, which every fenced
/// Redis write checks in the same Lua script that writes (<see cref="SaveIfCurrentAsync"/>), and in the run's fence
/// file on the shared output folder, which segment renames check (<see cref="FileRunFence"/>). A claim raises both.
/// </summary>
/// <remarks>
/// Fence keys are never deleted: deleting one would let a zombie that wakes later write again. They cost a few bytes
/// per run. The key and the checkpoint key of a run are separate keys, so this assumes one Redis server (or primary),
/// not Redis Cluster, as the rest of the deployment does.
/// </remarks>
public sealed class RedisRunFence(IConnectionMultiplexer redis, FileRunFence files, string keyPrefix = RedisRunFence.DefaultKeyPrefix)
    : IRunFence
{
    /// <summary>The key prefix used unless another is given.</summary>
    public const string DefaultKeyPrefix = "grokking:fence:";

    // Raises the token to ARGV[1] unless a greater one is stored; returns the token now stored (greater: refused).
    private const string ClaimScript = """
        local current = tonumber(redis.call('GET', KEYS[1]) or '0')
        local token = tonumber(ARGV[1])
        if current > token then return current end
        if current < token then redis.call('SET', KEYS[1], ARGV[1]) end
        return token
        """;

    // The same check, then SET KEYS[1] = ARGV[1] in the same atomic step.
    private const string SaveScript = """
        local current = tonumber(redis.call('GET', KEYS[2]) or '0')
        local token = tonumber(ARGV[2])
        if current > token then return current end
        if current < token then redis.call('SET', KEYS[2], ARGV[2]) end
        redis.call('SET', KEYS[1], ARGV[1])
        return token
        """;

    /// <summary>The Redis key holding a run's current token.</summary>
    public RedisKey KeyOf(string sweepId, string runId) => KeyOf(keyPrefix, sweepId, runId);

    /// <summary>The fence key of a run under <paramref name="prefix"/>.</summary>
    public static RedisKey KeyOf(string prefix, string sweepId, string runId) =>
        prefix + RedisCheckpointStore.CheckKeyPart(sweepId, nameof(sweepId)) + ":" + RedisCheckpointStore.CheckKeyPart(runId, nameof(runId));

    public async Task<long> CurrentAsync(string sweepId, string runId, CancellationToken cancellation = default)
    {
        var stored = await redis.GetDatabase().StringGetAsync(KeyOf(sweepId, runId)).WaitAsync(cancellation);
        long inRedis = stored.IsNull ? 0 : (long)stored;
        return Math.Max(inRedis, await files.CurrentAsync(sweepId, runId, cancellation));
    }

    public async Task ClaimAsync(string sweepId, string runId, long token, CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(token);
        var stored = (long)await redis.GetDatabase().ScriptEvaluateAsync(ClaimScript, [KeyOf(sweepId, runId)], [token]).WaitAsync(cancellation);
        if (stored > token) throw new FencedOutException(sweepId, runId, token, stored);
        await files.ClaimAsync(sweepId, runId, token, cancellation);
    }

    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/> if <paramref name="token"/> is the run's current token (claiming it if it is ahead), as one atomic step on the server.</summary>
    /// <exception cref="FencedOutException">A newer attempt claimed the run; nothing was written.</exception>
    internal static async Task SaveIfCurrentAsync(IDatabase database, RedisKey key, RedisValue value, RedisKey fenceKey,
        string sweepId, string runId, long token, CancellationToken cancellation)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(token);
        var stored = (long)await database.ScriptEvaluateAsync(SaveScript, [key, fenceKey], [value, token]).WaitAsync(cancellation);
        if (stored > token) throw new FencedOutException(sweepId, runId, token, stored);
    }
}
