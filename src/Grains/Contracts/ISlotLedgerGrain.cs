namespace Grokking.Grains.Contracts;

/// <summary>
/// The cluster's slot accounting, shared by every sweep (one grain, key 0): which runs hold a slot on which silo.
/// Sweeps ask it for slots rather than counting their own runs, so two sweeps at once never place more runs on a
/// silo than it has slots, and no queued run shows as Running.
/// </summary>
public interface ISlotLedgerGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Records that <paramref name="sweepId"/> now holds exactly <paramref name="holding"/> (run id to silo), then grants
    /// slots to as many of <paramref name="wanted"/> (in order) as the free slots of <paramref name="offers"/> allow,
    /// each on the offered silo with the most free slots. The grants join the sweep's holding.
    /// </summary>
    Task<IReadOnlyList<SlotGrant>> Acquire(string sweepId, IReadOnlyDictionary<string, string> holding,
        IReadOnlyList<string> wanted, IReadOnlyList<SlotOffer> offers);

    /// <summary>Slots held per silo, over every sweep.</summary>
    Task<IReadOnlyDictionary<string, int>> GetBusy();
}

/// <summary>A silo's slots, as a sweep sees them (alive, not draining, fitting the sweep's accelerator).</summary>
[GenerateSerializer]
public sealed record SlotOffer([property: Id(0)] string Silo, [property: Id(1)] int Slots);

/// <summary>A slot for run <paramref name="RunId"/> on <paramref name="Silo"/>.</summary>
[GenerateSerializer]
public sealed record SlotGrant([property: Id(0)] string RunId, [property: Id(1)] string Silo);
