using System.Globalization;
using Grokking.Grains.Contracts;
using Grokking.Grains.Specs;

namespace Grokking.Grains.Search;

/// <summary>
/// Spends runs where the label (the phase, by default) changes: quadtree refinement of the grid's number ranges toward
/// phase boundaries, on a fixed dyadic lattice.
/// <para>
/// The axes written as <c>{ range | log_range: [a, b], points: n }</c> of a number setting are refined; every other
/// axis (a list of seeds, say) is repeated at each point, and a point's runs over it are its replicas. With
/// <c>levels: L</c>, axis d has <c>(n_d - 1) 2^L</c> intervals on its own scale (log axes stay log), and every run sits
/// on that lattice, so its values, and hence its run id, are fixed by its integer coordinates alone.
/// </para>
/// <para>
/// Level 0 is the grid itself. When every run of a level has finished, each cell of that level whose corners'
/// labels disagree (among all replicas: disagreeing seeds mark a cell too) is marked, with the cells up to
/// <c>buffer</c> cells around it; each marked cell is halved along every refined axis, and the new corners (edge
/// midpoints, face centres, the centre) are the next level's runs. It stops at level L, when no cell disagrees, or when
/// the run budget is spent (whole cells first-fit, disagreeing cells before buffer cells, each in coordinate order).
/// Failed runs have no label and mark nothing.
/// </para>
/// </summary>
public sealed class BoundarySearch : ISearchStrategy
{
    /// <summary>The spec keys this strategy reads under <c>search:</c>.</summary>
    public static readonly string[] Keys = ["strategy", "levels", "label", "above", "buffer"];

    private readonly SweepSpec _spec;
    private readonly OutcomeLabel _label;
    private readonly int _levels;
    private readonly int[] _refined;          // indices into spec.Axes of the refined axes
    private readonly long[] _intervals;       // per refined axis: intervals on the finest lattice
    private readonly List<int[]> _replicas;   // per replica: value index of each non-refined axis (by spec axis index; -1 for refined)
    private readonly long _budget;

    public BoundarySearch(SweepSpec spec)
    {
        _spec = spec;
        _label = OutcomeLabel.For(spec.Search.Label, spec.Search.Above).Label
            ?? throw new ArgumentException($"label '{spec.Search.Label}' was not checked", nameof(spec));
        _levels = spec.Search.Levels;
        _refined = Enumerable.Range(0, spec.Axes.Count).Where(a => spec.Axes[a].Range is not null).ToArray();
        _intervals = _refined.Select(a => (long)(spec.Axes[a].Range!.Points - 1) << _levels).ToArray();
        _replicas = Replicas(spec.Axes, _refined);
        _budget = spec.Budget.Runs ?? long.MaxValue;
    }

    /// <summary>Why this strategy cannot search the grid, or null.</summary>
    public static string? Check(SearchSpec search, IReadOnlyList<GridAxis> axes, SweepBudget budget, int maxRuns)
    {
        var refined = axes.Where(a => a.Range is not null).ToList();
        if (refined.Count == 0)
            return "strategy 'refine' halves the grid axes written as { range: [a, b], points: n } or { log_range: [a, b], points: n } " +
                   $"of a number setting (lr, weight_decay, train_fraction, ...); this grid has none ({Shape(axes)})";
        double replicas = axes.Where(a => a.Range is null).Aggregate(1.0, (n, a) => n * a.Values.Count);
        double lattice = refined.Aggregate(1.0, (n, a) => n * ((double)(a.Values.Count - 1) * Math.Pow(2, search.Levels) + 1)) * replicas;
        if (lattice > maxRuns)
            return $"levels: {search.Levels} makes a lattice of {lattice.ToString("#,0", CultureInfo.InvariantCulture)} runs " +
                   $"({Shape(axes)}, each range axis halved {search.Levels} times); the maximum is {maxRuns.ToString("#,0", CultureInfo.InvariantCulture)}: " +
                   "give fewer levels or fewer points";
        double coarse = axes.Aggregate(1.0, (n, a) => n * a.Values.Count);
        if (budget.Runs is { } most && most < coarse)
            return $"budget.runs {most} is smaller than the {coarse.ToString("#,0", CultureInfo.InvariantCulture)} runs of the grid the search starts from ({Shape(axes)}); " +
                   "give a larger budget or a coarser grid";
        return null;
    }

    public IReadOnlyList<RunSpec> Initial()
    {
        var coarse = new List<long[]>();
        long step = 1L << _levels;
        foreach (var k in Product(_refined.Select(a => (long)_spec.Axes[a].Range!.Points).ToArray()))
            coarse.Add(k.Select(i => i * step).ToArray());
        var runs = new List<RunSpec>();
        foreach (var k in coarse)
            for (int r = 0; r < _replicas.Count; r++)
                runs.Add(Build(k, r, runs.Count));
        return runs;
    }

    public RunSpec Restore(string key, int index)
    {
        var (k, r) = Parse(key);
        return Build(k, r, index);
    }

    public SearchStep Next(IReadOnlyList<RunSpec> runs, Func<RunSpec, RunRecord> recordOf)
    {
        // Each lattice point's labels over its replicas (null for a replica not finished, or finished without a label).
        var points = new Dictionary<string, List<(bool Final, string? Label)>>(StringComparer.Ordinal);
        foreach (var run in runs)
        {
            if (run.Place is null) continue;
            var pointKey = run.Place.Key[..run.Place.Key.IndexOf('/')];
            var record = recordOf(run);
            if (!points.TryGetValue(pointKey, out var labels)) points[pointKey] = labels = [];
            labels.Add((record.IsFinal, _label.Of(record)));
        }

        var active = CoarseCells();
        for (int level = 0; level < _levels; level++)
        {
            long side = 1L << (_levels - level);
            // Every corner of every active cell must have finished (all replicas) before the level is judged.
            foreach (var cell in active)
                foreach (var corner in Corners(cell, side))
                    if (!points.TryGetValue(PointKey(corner), out var labels) || labels.Count < _replicas.Count || labels.Any(l => !l.Final))
                        return Waiting(runs.Count, level);

            var disagreeing = active.Where(c => Disagrees(c, side, points)).ToList();
            if (disagreeing.Count == 0) return Done(runs.Count, level, "no cell disagrees");
            var buffered = Buffer(active, disagreeing, side);

            // The next level: every marked cell halved; its corners are the points it needs.
            long half = side / 2;
            var children = new List<(long[] Cell, bool Disagrees)>();
            foreach (var (cell, strong) in disagreeing.Select(c => (c, true)).Concat(buffered.Select(c => (c, false))))
                foreach (var offset in Product(Enumerable.Repeat(2L, cell.Length).ToArray()))
                    children.Add((cell.Zip(offset, (c, o) => c + o * half).ToArray(), strong));

            var have = new HashSet<string>(points.Keys, StringComparer.Ordinal);
            var added = new List<long[]>();
            var addedKeys = new HashSet<string>(StringComparer.Ordinal);
            var next = new List<long[]>();
            long room = _budget - runs.Count;
            bool cut = false;
            foreach (var (cell, _) in children)
            {
                var missing = Corners(cell, half).Where(p => !have.Contains(PointKey(p)) && !addedKeys.Contains(PointKey(p))).ToList();
                long cost = (long)missing.Count * _replicas.Count;
                if (cost > room)
                {
                    cut = true;
                    continue;
                }
                room -= cost;
                foreach (var p in missing)
                {
                    added.Add(p);
                    addedKeys.Add(PointKey(p));
                }
                next.Add(cell);
            }
            if (added.Count > 0)
            {
                var ordered = added.OrderBy(PointKey, StringComparer.Ordinal).ToList();
                var runsAdded = new List<RunSpec>();
                foreach (var p in ordered)
                    for (int r = 0; r < _replicas.Count; r++)
                        runsAdded.Add(Build(p, r, runs.Count + runsAdded.Count));
                return new SearchStep(runsAdded, false, Progress(level + 1, runs.Count + runsAdded.Count));
            }
            if (next.Count == 0) return Done(runs.Count, level, cut ? "budget spent" : "no cell to refine");
            active = next;
        }
        return Done(runs.Count, _levels, "finest level reached");
    }

    // --- lattice ---------------------------------------------------------------------------------------------------

    private List<long[]> CoarseCells()
    {
        long side = 1L << _levels;
        return Product(_refined.Select(a => (long)_spec.Axes[a].Range!.Points - 1).ToArray())
            .Select(c => c.Select(i => i * side).ToArray())
            .ToList();
    }

    private static IEnumerable<long[]> Corners(long[] cell, long side) =>
        Product(Enumerable.Repeat(2L, cell.Length).ToArray()).Select(b => cell.Zip(b, (c, o) => c + o * side).ToArray());

    private bool Disagrees(long[] cell, long side, Dictionary<string, List<(bool Final, string? Label)>> points)
    {
        string? first = null;
        foreach (var corner in Corners(cell, side))
            foreach (var (_, label) in points[PointKey(corner)])
            {
                if (label is null) continue;
                if (first is null) first = label;
                else if (label != first) return true;
            }
        return false;
    }

    // Active cells within `buffer` cells (along every axis) of a disagreeing one, excluding the disagreeing ones, in
    // coordinate order.
    private List<long[]> Buffer(List<long[]> active, List<long[]> disagreeing, long side)
    {
        int reach = _spec.Search.Buffer;
        if (reach == 0) return [];
        var activeByKey = active.ToDictionary(PointKey, StringComparer.Ordinal);
        var strong = disagreeing.Select(PointKey).ToHashSet(StringComparer.Ordinal);
        var found = new SortedDictionary<string, long[]>(StringComparer.Ordinal);
        var offsets = Product(Enumerable.Repeat(2L * reach + 1, _refined.Length).ToArray()).ToList();
        foreach (var cell in disagreeing)
            foreach (var offset in offsets)
            {
                var key = PointKey(cell.Zip(offset, (c, o) => c + (o - reach) * side).ToArray());
                if (!strong.Contains(key) && activeByKey.TryGetValue(key, out var neighbour)) found[key] = neighbour;
            }
        return found.Values.ToList();
    }

    private RunSpec Build(long[] k, int replica, int index)
    {
        var values = new object[_spec.Axes.Count];
        var cells = new List<CellExtent>();
        int level = LevelOf(k);
        long side = 1L << (_levels - level);
        for (int a = 0, d = 0; a < _spec.Axes.Count; a++)
        {
            var axis = _spec.Axes[a];
            if (axis.Range is { } range)
            {
                values[a] = range.At(k[d], _intervals[d]);
                // The cell spans half a cell side either way, in doubled coordinates so that the finest level's
                // half-steps stay integers.
                cells.Add(new CellExtent(axis.ShortName,
                    range.At(Math.Max(0, 2 * k[d] - side), 2 * _intervals[d]),
                    range.At(Math.Min(2 * _intervals[d], 2 * k[d] + side), 2 * _intervals[d])));
                d++;
            }
            else
            {
                values[a] = axis.Values[_replicas[replica][a]];
            }
        }
        return _spec.At(index, values) with { Place = new LatticePlace($"{PointKey(k)}/{replica}", level, cells) };
    }

    private int LevelOf(long[] k)
    {
        for (int level = 0; level < _levels; level++)
        {
            long step = 1L << (_levels - level);
            if (k.All(i => i % step == 0)) return level;
        }
        return _levels;
    }

    private (long[] K, int Replica) Parse(string key)
    {
        var slash = key.IndexOf('/');
        var k = key[..slash].Split(',').Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        int replica = int.Parse(key[(slash + 1)..], CultureInfo.InvariantCulture);
        if (k.Length != _refined.Length || replica < 0 || replica >= _replicas.Count || k.Where((v, d) => v < 0 || v > _intervals[d]).Any())
            throw new ArgumentException($"'{key}' is not a point of this sweep's lattice", nameof(key));
        return (k, replica);
    }

    // Zero-padded so ordinal order is coordinate order.
    private static string PointKey(long[] k) => string.Join(',', k.Select(i => i.ToString("D7", CultureInfo.InvariantCulture)));

    private static List<int[]> Replicas(IReadOnlyList<GridAxis> axes, int[] refined)
    {
        var others = Enumerable.Range(0, axes.Count).Where(a => !refined.Contains(a)).ToArray();
        var replicas = new List<int[]>();
        foreach (var choice in Product(others.Select(a => (long)axes[a].Values.Count).ToArray()))
        {
            var byAxis = Enumerable.Repeat(-1, axes.Count).ToArray();
            for (int i = 0; i < others.Length; i++) byAxis[others[i]] = (int)choice[i];
            replicas.Add(byAxis);
        }
        return replicas;
    }

    /// <summary>Every combination of 0..sizes[i]-1, the last position varying fastest.</summary>
    private static IEnumerable<long[]> Product(long[] sizes)
    {
        if (sizes.Any(s => s <= 0)) yield break;
        var current = new long[sizes.Length];
        while (true)
        {
            yield return (long[])current.Clone();
            int i = sizes.Length - 1;
            while (i >= 0 && ++current[i] == sizes[i]) current[i--] = 0;
            if (i < 0) yield break;
        }
    }

    // --- progress ---------------------------------------------------------------------------------------------------

    private string BudgetText => _budget == long.MaxValue ? "" : $", budget {_budget}";

    private SearchStep Waiting(int runs, int level) => new([], false, Progress(level, runs));

    private string Progress(int level, int runs) => $"refining: level {level} of {_levels}, {runs} runs so far{BudgetText}";

    private SearchStep Done(int runs, int level, string why) =>
        new([], true, $"refined: {why} at level {level} of {_levels}, {runs} runs{BudgetText}");

    private static string Shape(IReadOnlyList<GridAxis> axes) =>
        axes.Count == 0 ? "no axes" : string.Join(" x ", axes.Select(a => $"{a.ShortName} {a.Values.Count}{(a.Range is null ? "" : a.Range.Log ? " log" : " range")}"));
}
