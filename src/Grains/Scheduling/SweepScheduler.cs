using Grokking.Grains.Contracts;
using Grokking.Grains.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace Grokking.Grains.Scheduling;

/// <summary>
/// A sweep's view of where runs may go: the cluster's active silos that fit the sweep's accelerator and are not
/// shutting down, and the slots the cluster's <see cref="ISlotLedgerGrain"/> grants on them. One per sweep grain;
/// it keeps no run state of its own.
/// </summary>
public sealed class SweepScheduler(IClusterMembershipService membership, ISiloMetadataCache siloMetadata, IGrainFactory grains)
{
    // Silos that refused a run because they are shutting down, until when to leave them out.
    private static readonly TimeSpan DrainingHold = TimeSpan.FromSeconds(30);
    private readonly Dictionary<string, DateTime> _draining = new(StringComparer.Ordinal);

    private ISlotLedgerGrain Ledger => grains.GetGrain<ISlotLedgerGrain>(0);

    /// <summary>The silos (parsable addresses) that are active members now.</summary>
    public HashSet<string> AliveSilos() =>
        ActiveSilos().Select(s => s.ToParsableString()).ToHashSet(StringComparer.Ordinal);

    /// <summary>The slots of active, not draining silos that fit <paramref name="accelerator"/>.</summary>
    public List<SlotOffer> Offers(string accelerator) =>
        ActiveSilos()
            .Where(s => !IsDraining(s.ToParsableString()))
            .Select(s => SiloOffer.From(s, siloMetadata.GetSiloMetadata(s).Metadata))
            .OfType<SiloOffer>()
            .Where(o => o.Fits(accelerator))
            .Select(o => new SlotOffer(o.Silo.ToParsableString(), o.Slots))
            .ToList();

    /// <summary>Leaves a silo that refused a run (it is shutting down) out of the offers for a while.</summary>
    public void MarkDraining(string silo) => _draining[silo] = DateTime.UtcNow + DrainingHold;

    /// <summary>Restates the sweep's running runs to the ledger and asks it for slots for <paramref name="wanted"/>, in order.</summary>
    public Task<IReadOnlyList<SlotGrant>> GrantAsync(string sweepId, IReadOnlyDictionary<string, string> running,
        IReadOnlyList<string> wanted, string accelerator) =>
        Ledger.Acquire(sweepId, running.Where(r => r.Value.Length > 0).ToDictionary(), wanted, Offers(accelerator));

    /// <summary>Gives back every slot the sweep holds.</summary>
    public Task ReleaseAllAsync(string sweepId) => Ledger.Acquire(sweepId, new Dictionary<string, string>(), [], []);

    private IEnumerable<SiloAddress> ActiveSilos() =>
        membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress);

    private bool IsDraining(string silo)
    {
        if (!_draining.TryGetValue(silo, out var until)) return false;
        if (until > DateTime.UtcNow) return true;
        _draining.Remove(silo);
        return false;
    }
}
