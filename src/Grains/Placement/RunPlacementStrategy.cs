namespace Grokking.Grains.Placement;

/// <summary>Places run grains on a silo that offers the accelerator the run asks for, preferring the silo the sweep chose.</summary>
[GenerateSerializer]
public sealed class RunPlacementStrategy : PlacementStrategy
{
    /// <summary>Request-context key: the accelerator a run needs (cpu, gpu or any).</summary>
    public const string AcceleratorKey = "grokking.accelerator";

    /// <summary>Request-context key: the silo (parsable address) the sweep picked for its free slot.</summary>
    public const string SiloKey = "grokking.silo";

    /// <summary>Silo metadata key: cpu or gpu.</summary>
    public const string AcceleratorMetadata = "grokking.accelerator";

    /// <summary>Silo metadata key: concurrent runs the silo trains.</summary>
    public const string SlotsMetadata = "grokking.slots";
}
