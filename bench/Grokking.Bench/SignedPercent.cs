namespace Grokking.Bench;

/// <summary>Relative differences as the tables print them: one decimal of a percent, always signed.</summary>
public static class SignedPercent
{
    /// <summary>"+4.1%", "-3.4%", and "+0.0%" for anything that rounds to zero (not "-+0.0%", .NET's rendering of -0.0004).</summary>
    public static string Format(double value)
    {
        double rounded = Math.Round(value, 3, MidpointRounding.AwayFromZero);
        return rounded == 0 ? "+0.0%" : rounded.ToString("+0.0%;-0.0%");
    }
}
