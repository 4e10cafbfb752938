namespace Grokking.Grains.Fencing;

/// <summary>A write refused because a newer attempt of the run holds a greater fence token: this attempt must stop.</summary>
/// <remarks>Not an error of the run: the newer attempt carries it on. Callers stop quietly and report nothing over it.</remarks>
public sealed class FencedOutException(string sweepId, string runId, long token, long current)
    : Exception($"run {runId} of sweep {sweepId}: this attempt's fence token {token} is stale; the run's current token is {current} (a newer attempt owns the run)")
{
    public string SweepId { get; } = sweepId;

    public string RunId { get; } = runId;

    /// <summary>The token the refused writer holds.</summary>
    public long Token { get; } = token;

    /// <summary>The run's current token, greater than <see cref="Token"/>.</summary>
    public long Current { get; } = current;
}
