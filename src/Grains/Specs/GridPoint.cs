using Grokking.Training.Config;

namespace Grokking.Grains.Specs;

/// <summary>One point of a grid: its index, the chosen value index per axis, and the resolved config.</summary>
internal sealed record GridPoint(int Index, IReadOnlyList<int> Choice, RunConfig Config)
{
    /// <summary>Every point of the cartesian product: axes in spec order, the last axis varying fastest.</summary>
    public static IEnumerable<GridPoint> Enumerate(RunConfig baseConfig, IReadOnlyList<GridAxis> axes)
    {
        var fields = axes.Select(a => SpecCatalog.ByPath.TryGetValue(a.Path, out var f) && f.Apply is not null
            ? f
            : throw new ArgumentException($"grid axis path '{a.Path}' is not a run setting", nameof(axes))).ToArray();
        long size = axes.Aggregate(1L, (n, a) => n * a.Values.Count);
        if (size > int.MaxValue) throw new ArgumentException($"grid of {size} points is too large", nameof(axes));
        for (int index = 0; index < size; index++)
        {
            var choice = new int[axes.Count];
            var config = baseConfig;
            int rest = index;
            for (int a = axes.Count - 1; a >= 0; a--)
            {
                choice[a] = rest % axes[a].Values.Count;
                rest /= axes[a].Values.Count;
            }
            for (int a = 0; a < axes.Count; a++) config = fields[a].Apply!(config, axes[a].Values[choice[a]]);
            yield return new GridPoint(index, choice, config);
        }
    }

    /// <summary>The point as <c>lr=0.001, depth=2</c>.</summary>
    public string Describe(IReadOnlyList<GridAxis> axes) =>
        string.Join(", ", axes.Select((a, i) => $"{a.ShortName}={ScalarValue.Describe(a.Values[Choice[i]])}"));
}
