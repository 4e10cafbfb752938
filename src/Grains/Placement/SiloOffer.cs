namespace Grokking.Grains.Placement;

/// <summary>What one silo offers runs, read from its metadata.</summary>
public sealed record SiloOffer(SiloAddress Silo, string Accelerator, int Slots)
{
    /// <summary>True if a run asking for <paramref name="accelerator"/> (cpu, gpu or any) may run here.</summary>
    public bool Fits(string accelerator) => accelerator == "any" || accelerator == Accelerator;

    public static SiloOffer? From(SiloAddress silo, IReadOnlyDictionary<string, string> metadata) =>
        metadata.TryGetValue(RunPlacementStrategy.AcceleratorMetadata, out var accelerator)
        && metadata.TryGetValue(RunPlacementStrategy.SlotsMetadata, out var slots) && int.TryParse(slots, out var n)
            ? new SiloOffer(silo, accelerator, n)
            : null;
}
