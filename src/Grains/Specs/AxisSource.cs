namespace Grokking.Grains.Specs;

/// <summary>A parsed grid axis with where it was written, so a bad grid point is reported at its own line.</summary>
/// <param name="Axis">The axis.</param>
/// <param name="Field">The error path as written, e.g. <c>grid.lr</c>.</param>
/// <param name="ValueLines">Line of each value (a range's values share the range's line).</param>
internal sealed record AxisSource(GridAxis Axis, string Field, IReadOnlyList<int?> ValueLines);
