using Grokking.Grains.Contracts;

namespace Grokking.Grains.Scheduling;

/// <summary>
/// Per-silo slot accounting for every sweep of the cluster. Its state is soft: each sweep restates its whole holding
/// with every call (at least once a second while it runs), so a ledger that lost its silo is whole again within a
/// tick, and the holding of a sweep that stopped calling expires.
/// </summary>
public sealed class SlotLedgerGrain : Grain, ISlotLedgerGrain
{
    /// <summary>A sweep that has not restated its holding for this long holds nothing (its grain is gone; a new
    /// activation restates it).</summary>
    public static readonly TimeSpan HoldingExpiry = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, (Dictionary<string, string> Runs, DateTime Seen)> _holdings = new(StringComparer.Ordinal);

    public Task<IReadOnlyList<SlotGrant>> Acquire(string sweepId, IReadOnlyDictionary<string, string> holding,
        IReadOnlyList<string> wanted, IReadOnlyList<SlotOffer> offers)
    {
        var now = DateTime.UtcNow;
        foreach (var stale in _holdings.Where(h => now - h.Value.Seen > HoldingExpiry).Select(h => h.Key).ToList())
            _holdings.Remove(stale);
        var mine = new Dictionary<string, string>(holding, StringComparer.Ordinal);
        if (mine.Count == 0 && wanted.Count == 0) _holdings.Remove(sweepId);
        else _holdings[sweepId] = (mine, now);

        var busy = Busy();
        var free = offers.ToDictionary(o => o.Silo, o => o.Slots - busy.GetValueOrDefault(o.Silo), StringComparer.Ordinal);
        var grants = new List<SlotGrant>();
        foreach (var run in wanted)
        {
            if (mine.ContainsKey(run)) continue;
            var best = free.Where(f => f.Value > 0).OrderByDescending(f => f.Value).ThenBy(f => f.Key, StringComparer.Ordinal)
                .Select(f => f.Key).FirstOrDefault();
            if (best is null) break;
            free[best]--;
            mine[run] = best;
            grants.Add(new SlotGrant(run, best));
        }
        if (grants.Count > 0) _holdings[sweepId] = (mine, now);
        return Task.FromResult<IReadOnlyList<SlotGrant>>(grants);
    }

    public Task<IReadOnlyDictionary<string, int>> GetBusy() => Task.FromResult<IReadOnlyDictionary<string, int>>(Busy());

    private Dictionary<string, int> Busy()
    {
        var busy = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (runs, _) in _holdings.Values)
            foreach (var silo in runs.Values)
                busy[silo] = busy.GetValueOrDefault(silo) + 1;
        return busy;
    }
}
