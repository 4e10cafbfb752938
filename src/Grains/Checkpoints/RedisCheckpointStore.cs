using Grokking.Grains.Fencing;
using StackExchange.Redis;

namespace Grokking.Grains.Checkpoints;

/// <summary>Checkpoints as plain Redis string values under grokking:checkpoint:{sweep}:{run}; a save replaces the run's previous one.</summary>
/// <remarks>
/// Plain strings rather than Orleans grain state: the grain-state serializer would base64 the blob and load it
/// with every activation. How durable a saved blob is depends on the server's persistence settings
/// (appendonly yes with appendfsync everysec or always); the store only guarantees the server accepted it.
/// <para>
/// A save carries its attempt's fence token and is refused, in the same Lua script that writes, when the run's fence
/// key (<see cref="RedisRunFence"/>) holds a greater one: a silo declared dead cannot overwrite the checkpoint of the
/// attempt that replaced it.
/// </para>
/// </remarks>
public sealed class RedisCheckpointStore : ICheckpointStore
{
    /// <summary>The key prefix used unless another is given.</summary>
    public const string DefaultKeyPrefix = "grokking:checkpoint:";

    private readonly IConnectionMultiplexer _redis;
    private readonly string _keyPrefix;
    private readonly string _fenceKeyPrefix;

    /// <summary>A store on <paramref name="redis"/>; the prefixes let several deployments share one server.</summary>
    /// <param name="fenceKeyPrefix">Where the runs' fence tokens live: the prefix of the <see cref="RedisRunFence"/> that claims them.</param>
    public RedisCheckpointStore(IConnectionMultiplexer redis, string keyPrefix = DefaultKeyPrefix, string fenceKeyPrefix = RedisRunFence.DefaultKeyPrefix)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(keyPrefix);
        ArgumentNullException.ThrowIfNull(fenceKeyPrefix);
        _redis = redis;
        _keyPrefix = keyPrefix;
        _fenceKeyPrefix = fenceKeyPrefix;
    }

    /// <summary>The Redis key holding a run's checkpoint.</summary>
    public RedisKey KeyOf(string sweepId, string runId) =>
        _keyPrefix + CheckKeyPart(sweepId, nameof(sweepId)) + ":" + CheckKeyPart(runId, nameof(runId));

    public async Task<byte[]?> LoadAsync(string sweepId, string runId, CancellationToken cancellation = default)
    {
        var key = KeyOf(sweepId, runId);
        cancellation.ThrowIfCancellationRequested();
        var value = await Database.StringGetAsync(key).WaitAsync(cancellation);
        return value.IsNull ? null : (byte[])value!;
    }

    /// <exception cref="RedisException">The server could not be reached or refused the write; the checkpoint was not saved.</exception>
    /// <exception cref="FencedOutException">A newer attempt holds a greater fence token; the checkpoint was not saved.</exception>
    /// <remarks>Cancelling stops the wait, not the command: the blob may still land, which is harmless because a save only replaces.</remarks>
    public async Task SaveAsync(string sweepId, string runId, long fence, byte[] blob, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var key = KeyOf(sweepId, runId);
        cancellation.ThrowIfCancellationRequested();
        // No fire-and-forget flag: a checkpoint the caller believes saved but is not would break resume.
        await RedisRunFence.SaveIfCurrentAsync(Database, key, blob, RedisRunFence.KeyOf(_fenceKeyPrefix, sweepId, runId), sweepId, runId,
            fence, cancellation);
    }

    public async Task DeleteAsync(string sweepId, string runId, CancellationToken cancellation = default)
    {
        var key = KeyOf(sweepId, runId);
        cancellation.ThrowIfCancellationRequested();
        await Database.KeyDeleteAsync(key).WaitAsync(cancellation);
    }

    /// <summary>Bytes of the run's stored checkpoint (STRLEN), 0 when it has none; for reporting checkpoint sizes.</summary>
    public async Task<long> SizeAsync(string sweepId, string runId, CancellationToken cancellation = default)
    {
        var key = KeyOf(sweepId, runId);
        cancellation.ThrowIfCancellationRequested();
        return await Database.StringLengthAsync(key).WaitAsync(cancellation);
    }

    private IDatabase Database => _redis.GetDatabase();

    /// <summary>A sweep or run id as part of a Redis key.</summary>
    /// <remarks>':' separates the key's parts; allowing it inside one would let two different runs share a key.</remarks>
    internal static string CheckKeyPart(string value, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, name);
        if (value.Contains(':'))
            throw new ArgumentException($"{name} '{value}' cannot be part of a Redis key: it must not contain ':'.", name);
        return value;
    }
}
