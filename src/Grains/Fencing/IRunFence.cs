namespace Grokking.Grains.Fencing;

/// <summary>
/// One writer per run attempt (DESIGN.md, invariant 6). Each attempt of a run holds a fence token granted by its run
/// grain; a new attempt claims its token before it touches the run's output, and every store refuses a write that
/// carries a token below the claimed one. A silo the cluster declared dead but that still runs (a zombie) therefore
/// cannot write over the attempt that replaced it, however late it wakes.
/// </summary>
/// <remarks>
/// Claims raise the token everywhere a write checks it: the Parquet segments and file checkpoints check a fence file
/// (<see cref="FileRunFence"/>); Redis checkpoints check a fence key in the same Lua script that saves them
/// (<see cref="RedisRunFence"/>). Tokens only go up.
/// </remarks>
public interface IRunFence
{
    /// <summary>The run's current token: the highest ever claimed, 0 when none was.</summary>
    Task<long> CurrentAsync(string sweepId, string runId, CancellationToken cancellation = default);

    /// <summary>Makes <paramref name="token"/> the run's current token, so writes carrying a lower one are refused from now on.</summary>
    /// <remarks>Idempotent: claiming the current token again changes nothing.</remarks>
    /// <exception cref="FencedOutException">A greater token was already claimed: this attempt is stale before it began.</exception>
    Task ClaimAsync(string sweepId, string runId, long token, CancellationToken cancellation = default);
}
