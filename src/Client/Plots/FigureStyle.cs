using ScottPlot;

namespace Grokking.Client.Plots;

/// <summary>Settings every figure shares.</summary>
public static class FigureStyle
{
    // SkiaSharp's default family on Linux is often a serif face; a sans face reads better at small sizes.
    private static readonly string[] SansFamilies = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica"];

    private static readonly string? Sans = SansFamilies.FirstOrDefault(f => Fonts.GetTypeface(f, bold: false, italic: false)?.FamilyName == f);

    public static void Apply(Plot plot)
    {
        if (Sans is not null) plot.Font.Set(Sans);
    }
}
