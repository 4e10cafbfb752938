using System.Globalization;
using Grokking.Grains.Contracts;
using Grokking.Grains.Specs;

namespace Grokking.Grains.Sweeps;

/// <summary>Builds a sweep's <see cref="SweepMap"/>: the axes as spec'd and each run's coordinates on them.</summary>
public static class SweepMaps
{
    public static SweepMap Of(SweepSpec spec, IReadOnlyList<RunSpec> runs)
    {
        var axes = spec.Axes.Select(a => new MapAxis
        {
            Name = a.ShortName,
            Labels = a.Values.Select(ScalarValue.Describe).ToList(),
            Numbers = a.Values.Select(Number).ToList(),
            Log = a.Range?.Log,
        }).ToList();
        var axisIndex = spec.Axes.Select((a, i) => (a.ShortName, i)).ToDictionary(p => p.ShortName, p => p.i, StringComparer.Ordinal);
        var points = runs.Select(run => Point(spec, axisIndex, run)).ToList();
        return new SweepMap { SweepId = spec.Name, Axes = axes, Points = points };
    }

    private static MapPoint Point(SweepSpec spec, IReadOnlyDictionary<string, int> axisIndex, RunSpec run)
    {
        var coordinates = new double[spec.Axes.Count];
        for (int a = 0; a < coordinates.Length; a++)
        {
            var value = run.Parameters[a].Value;
            var number = Number(value);
            coordinates[a] = double.IsNaN(number) ? IndexOf(spec.Axes[a].Values, value) : number;
        }
        if (run.Place is not { } place) return new MapPoint { RunId = run.RunId, Index = run.Index, Coordinates = coordinates };
        var lo = Enumerable.Repeat(double.NaN, coordinates.Length).ToArray();
        var hi = Enumerable.Repeat(double.NaN, coordinates.Length).ToArray();
        foreach (var cell in place.Cells)
        {
            if (!axisIndex.TryGetValue(cell.Axis, out var a)) continue;
            lo[a] = cell.Lo;
            hi[a] = cell.Hi;
        }
        return new MapPoint { RunId = run.RunId, Index = run.Index, Coordinates = coordinates, CellLo = lo, CellHi = hi, Level = place.Level };
    }

    private static double IndexOf(IReadOnlyList<object> values, object value)
    {
        for (int i = 0; i < values.Count; i++)
            if (Equals(values[i], value)) return i;
        return -1;
    }

    private static double Number(object value) => value switch
    {
        double d => d,
        float f => f,
        long l => l,
        int i => i,
        decimal m => (double)m,
        string or bool => double.NaN,
        IConvertible c => Convert.ToDouble(c, CultureInfo.InvariantCulture),
        _ => double.NaN,
    };
}
