using StackExchange.Redis;

namespace Grokking.Grains.Checkpoints;

/// <summary>Checkpoints as plain Redis string values under grokking:checkpoint:{sweep}:{run}; a save replaces the run's previous one.</summary>
/// <remarks>
/// Plain strings rather than Orleans grain state: the grain-state serializer would base64 the blob and load it
/// with every activation. How durable a saved blob is depends on the server's persistence settings
/// (appendonly yes with appendfsync everysec or always); the store only guarantees the server accepted it.
/// </remarks>
public sealed class RedisCheckpointStore : ICheckpointStore
{
    /// <summary>The key prefix used unless another is given.</summary>
    public const string DefaultKeyPrefix = "grokking:checkpoint:";

    private readonly IConnectionMultiplexer _redis;
    private readonly string _keyPrefix;

    /// <summary>A store on <paramref name="redis"/>; <paramref name="keyPrefix"/> lets several deployments share one server.</summary>
    public RedisCheckpointStore(IConnectionMultiplexer redis, string keyPrefix = DefaultKeyPrefix)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(keyPrefix);
        _redis = redis;
        _keyPrefix = keyPrefix;
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
    /// <remarks>Cancelling stops the wait, not the command: the blob may still land, which is harmless because a save only replaces.</remarks>
    public async Task SaveAsync(string sweepId, string runId, byte[] blob, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var key = KeyOf(sweepId, runId);
        cancellation.ThrowIfCancellationRequested();
        // No fire-and-forget flag: a checkpoint the caller believes saved but is not would break resume.
        bool stored = await Database.StringSetAsync(key, blob).WaitAsync(cancellation);
        if (!stored)
            throw new RedisException(
                $"Redis did not store the checkpoint of run {runId} in sweep {sweepId} (key {key}, {blob.Length} bytes).");
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

    // ':' separates the key's parts; allowing it inside one would let two different runs share a key.
    private static string CheckKeyPart(string value, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, name);
        if (value.Contains(':'))
            throw new ArgumentException($"{name} '{value}' cannot be part of a checkpoint key: it must not contain ':'.", name);
        return value;
    }
}
