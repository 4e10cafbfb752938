namespace Grokking.Client.Plots;

/// <summary>One axis of a sweep's grid: its runs.parquet column and its distinct values in plotting order.</summary>
public sealed class GridAxis
{
    // Log grids are often written by hand as 1e-3, 3e-3, 1e-2 (ratios 3 and 3.3), and log_range values carry full
    // double precision (10^-2.5 = 0.0031622776601683794), so neighbouring ratios need only agree within 15%.
    private const double RatioTolerance = 0.15;
    private const double StepTolerance = 0.02;

    private readonly Dictionary<object, int> _index;

    /// <param name="name">The runs.parquet column.</param>
    /// <param name="values">Distinct values: numbers ascending, anything else in grid order.</param>
    public GridAxis(string name, IReadOnlyList<object> values)
    {
        Name = name;
        Values = values;
        _index = values.Select((v, i) => (v, i)).ToDictionary(p => p.v, p => p.i);
        var numbers = values.Select(AsNumber).ToList();
        IsLogSpaced = numbers.All(n => n is > 0) && IsGeometric(numbers.Select(n => n!.Value).ToList());
        // One readable form per axis: 1e-3, 3.2e-3, 1e-2 rather than 0.001, 3.2e-3, 0.01.
        Scientific = IsLogSpaced && numbers.Any(n => n is < 0.01 or >= 1e4);
    }

    public string Name { get; }

    public IReadOnlyList<object> Values { get; }

    /// <summary>All values positive with a constant ratio between neighbours (a <c>log_range</c> axis, or 1e-3, 1e-2).</summary>
    public bool IsLogSpaced { get; }

    private bool Scientific { get; }

    /// <summary>The axis title: its name, marked when the cells step by a constant factor.</summary>
    public string Title => IsLogSpaced ? $"{Name} (log scale)" : Name;

    public int IndexOf(object value) => _index[value];

    public string Label(object value) => GridValueFormat.Format(value, Scientific);

    public static double? AsNumber(object value) => value switch
    {
        double d => d,
        float f => f,
        long l => l,
        int i => i,
        short s => s,
        decimal m => (double)m,
        _ => null,
    };

    private static bool IsGeometric(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return false;
        // Two values say little about spacing; call them log-spaced when they are a decade or more apart.
        if (values.Count == 2) return values[1] / values[0] >= 10;
        var ratio = values[1] / values[0];
        if (ratio <= 1 + RatioTolerance) return false;
        var step = values[1] - values[0];
        var arithmetic = true;
        for (var i = 2; i < values.Count; i++)
        {
            if (Math.Abs(values[i] / values[i - 1] / ratio - 1) > RatioTolerance) return false;
            arithmetic &= Math.Abs((values[i] - values[i - 1]) / step - 1) <= StepTolerance;
        }
        // Evenly spaced values (1, 2, 3 has ratios 2 and 1.5) are linear, however loose the ratio test.
        return !arithmetic;
    }
}
