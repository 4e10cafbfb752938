using System.Globalization;

namespace Grokking.Client.Plots;

/// <summary>Short, readable labels for grid values and plotted numbers (1e-3, 3.2e-3, 0.5, 1,650).</summary>
public static class GridValueFormat
{
    /// <summary>A grid value as a tick or legend label; <paramref name="scientific"/> writes numbers as 3.2e-3.</summary>
    public static string Format(object value, bool scientific = false) => value switch
    {
        DBNull => "null",
        double d => scientific ? Scientific(d) : Plain(d),
        float f => scientific ? Scientific(f) : Plain(f),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>A step count with thousands separators, as the run summary prints it.</summary>
    public static string Step(double step) => step.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Mantissa with at most two significant digits, so log-spaced values such as 10^-2.5 read 3.2e-3.</summary>
    public static string Scientific(double value)
    {
        if (value == 0 || !double.IsFinite(value)) return Plain(value);
        var exponent = (int)Math.Floor(Math.Log10(Math.Abs(value)));
        var mantissa = Math.Round(value / Math.Pow(10, exponent), 1);
        if (Math.Abs(mantissa) >= 10)
        {
            mantissa /= 10;
            exponent++;
        }
        return mantissa.ToString("0.#", CultureInfo.InvariantCulture) + "e" + exponent.ToString(CultureInfo.InvariantCulture);
    }

    private static string Plain(double value)
    {
        if (value != 0 && (Math.Abs(value) < 1e-3 || Math.Abs(value) >= 1e5)) return Scientific(value);
        return value.ToString("G4", CultureInfo.InvariantCulture);
    }
}
