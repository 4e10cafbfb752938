namespace Grokking.Grains.Specs;

/// <summary>
/// How a grid axis written as <c>{ range: [lo, hi], points: n }</c> or <c>{ log_range: [lo, hi], points: n }</c>
/// spaces its values: the one formula for both the grid and the refinement lattice, so a lattice point that is also a
/// grid point gets the same value to the bit, hence the same run id.
/// </summary>
/// <param name="Log">Values evenly spaced in log10 (log_range) rather than linearly (range).</param>
/// <param name="Lo">The first value, as written.</param>
/// <param name="Hi">The last value, as written.</param>
/// <param name="Points">The grid's number of values, at least 2.</param>
public sealed record AxisRange(bool Log, double Lo, double Hi, int Points)
{
    /// <summary>The value at position <paramref name="k"/> of <paramref name="intervals"/> equal steps from Lo to Hi.</summary>
    /// <remarks>
    /// Evaluated as <c>span * k / intervals</c> with exact integers: multiplying k and intervals by the same power of
    /// two changes neither rounding, so the lattice point 2k of 2n intervals has exactly the value of point k of n.
    /// The ends are pinned to the written values.
    /// </remarks>
    public double At(long k, long intervals)
    {
        if (k <= 0) return Lo;
        if (k >= intervals) return Hi;
        return Log
            ? Math.Pow(10, Math.Log10(Lo) + (Math.Log10(Hi) - Math.Log10(Lo)) * k / intervals)
            : Lo + (Hi - Lo) * k / intervals;
    }

    /// <summary>The grid's values.</summary>
    public IEnumerable<double> Values() => Enumerable.Range(0, Points).Select(i => At(i, Points - 1));
}
