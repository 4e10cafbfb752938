using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace Grokking.Grains.Placement;

/// <summary>
/// Chooses the silo for a new run grain activation: only silos whose accelerator fits the run, and among those
/// the one the sweep picked for a free slot if it is still alive; otherwise the fitting silo with the most slots.
/// </summary>
public sealed class RunPlacementDirector(ISiloMetadataCache metadata) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var data = target.RequestContextData;
        var accelerator = data is not null && data.TryGetValue(RunPlacementStrategy.AcceleratorKey, out var a) && a is string s ? s : "any";
        var offers = context.GetCompatibleSilos(target)
            .Select(silo => SiloOffer.From(silo, metadata.GetSiloMetadata(silo).Metadata))
            .OfType<SiloOffer>()
            .Where(o => o.Fits(accelerator))
            .ToList();
        if (offers.Count == 0)
            throw new OrleansException($"No active silo offers accelerator '{accelerator}' for {target.GrainIdentity}; start a silo with --accelerator {accelerator} or set resources.accelerator to any.");
        if (data is not null && data.TryGetValue(RunPlacementStrategy.SiloKey, out var p) && p is string preferred
            && offers.FirstOrDefault(o => o.Silo.ToParsableString() == preferred) is { } chosen)
            return Task.FromResult(chosen.Silo);
        return Task.FromResult(offers.OrderByDescending(o => o.Slots).ThenBy(_ => Random.Shared.Next()).First().Silo);
    }
}
