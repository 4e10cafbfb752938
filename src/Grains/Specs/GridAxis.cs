namespace Grokking.Grains.Specs;

/// <summary>One swept setting: which field, its result column name, and the values it takes, in spec order.</summary>
/// <param name="Path">Canonical dotted path of the field, e.g. <c>optimizer.lr</c>.</param>
/// <param name="ShortName">Column name in results, e.g. <c>lr</c>, <c>weight_decay</c>, <c>seed</c>.</param>
/// <param name="Values">Each value as the field's type: double, long, string or bool.</param>
/// <param name="Line">1-based YAML line of the axis key.</param>
/// <param name="Range">How the values are spaced when the axis was written as a range of numbers (null for a list or
/// an integer setting); a boundary search refines exactly these axes.</param>
public sealed record GridAxis(string Path, string ShortName, IReadOnlyList<object> Values, int? Line, AxisRange? Range = null);
