using Orleans.Placement;

namespace Grokking.Grains.Placement;

/// <summary>Marks a grain class for <see cref="RunPlacementStrategy"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class RunPlacementAttribute() : PlacementAttribute(new RunPlacementStrategy());
