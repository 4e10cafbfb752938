namespace Grokking.Bench;

/// <summary>A measured figure against the issue's target; PASS or MISS as measured, never adjusted.</summary>
/// <param name="AtLeast">True when the value must reach the threshold, false when it must not exceed it.</param>
public sealed record Target(string Figure, double Value, double Threshold, bool AtLeast, Func<double, string> Format)
{
    public bool Passed => AtLeast ? Value >= Threshold : Value <= Threshold;

    public string Verdict => Passed ? "PASS" : "MISS";

    public string Goal => $"{(AtLeast ? "≥" : "≤")} {Format(Threshold)}";

    /// <summary>A fraction of the matmul peak that must reach <paramref name="threshold"/>.</summary>
    public static Target PeakFraction(string figure, double value, double threshold = 0.6) =>
        new(figure, value, threshold, AtLeast: true, v => v.ToString("F2"));

    /// <summary>A relative overhead that must not exceed <paramref name="threshold"/>.</summary>
    public static Target Overhead(string figure, double value, double threshold = 0.05) =>
        new(figure, value, threshold, AtLeast: false, SignedPercent.Format);
}
