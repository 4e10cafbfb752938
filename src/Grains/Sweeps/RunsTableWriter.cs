using Grokking.Grains.Contracts;
using Grokking.Grains.Specs;
using Grokking.Grains.Storage;

namespace Grokking.Grains.Sweeps;

/// <summary>Writes OUT/sweep=&lt;sweep&gt;/runs.parquet: one row per grid point with its status, its grid values as typed columns, its outcome and lineage.</summary>
/// <remarks>
/// The file is replaced atomically (<see cref="AtomicFile"/>), so a reader polling it during a sweep sees the previous
/// table or the new one, never a partial file. Columns: <see cref="RunsTable.Bookkeeping"/>, one column per grid axis
/// named by its short name, <see cref="RunsTable.Outcome"/> (null until the run has one), then every other resolved
/// setting of the run under its short name (lr, norm, batch_size, ...), so sweeps of different settings union in one
/// query and a preset's choices are on record.
/// </remarks>
public sealed class RunsTableWriter
{
    /// <summary>OUT/sweep=&lt;sweep&gt;/runs.parquet (<see cref="OutputLayout.RunsTable"/>).</summary>
    public static string PathOf(string outDir, string sweepId) => OutputLayout.RunsTable(outDir, sweepId);

    /// <summary>Durably replaces the sweep's runs table with one row per run in <paramref name="runs"/>.</summary>
    /// <param name="runs">The sweep's grid points, in the order the rows should have.</param>
    /// <param name="records">What is known per run id; a run without a record is pending with no attempts.</param>
    /// <param name="lineage">What produced the runs, written on every row.</param>
    /// <exception cref="ArgumentException">A run belongs to another sweep, lacks a grid value, or a grid value's type differs from its axis.</exception>
    public async Task WriteAsync(
        string outDir, SweepSpec sweep, IReadOnlyList<RunSpec> runs,
        IReadOnlyDictionary<string, RunRecord> records, RunLineage lineage, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(lineage);
        var path = OutputLayout.RunsTable(outDir, sweep.Name);
        var grid = GridColumns(sweep.Axes);
        var table = new ParquetTable<RunRow>([.. RunsTable.Bookkeeping, .. grid, .. RunsTable.Outcome, .. CellColumns(sweep), .. SettingColumns(sweep.Axes)]);
        var rows = Rows(sweep.Name, runs, records, lineage);
        await AtomicFile.WriteAsync(path, (stream, token) => table.WriteAsync(stream, rows, token), ct);
    }

    private static RunRow[] Rows(
        string sweepId, IReadOnlyList<RunSpec> runs, IReadOnlyDictionary<string, RunRecord> records, RunLineage lineage)
    {
        var rows = new RunRow[runs.Count];
        for (int i = 0; i < rows.Length; i++)
        {
            var run = runs[i];
            if (!string.Equals(run.SweepId, sweepId, StringComparison.Ordinal))
                throw new ArgumentException($"Run {run.RunId} (index {run.Index}) belongs to sweep {run.SweepId}, not {sweepId}.", nameof(runs));
            rows[i] = new RunRow(run, records.GetValueOrDefault(run.RunId), lineage);
        }
        return rows;
    }

    /// <summary>
    /// A boundary search's runs: per refined axis, the extent of the cell each run stands for (<c>cell_AXIS_lo</c>,
    /// <c>cell_AXIS_hi</c>), which a phase diagram paints for it; none for a grid sweep.
    /// </summary>
    private static ParquetColumn<RunRow>[] CellColumns(SweepSpec sweep)
    {
        if (sweep.Search.Strategy == "grid") return [];
        var refined = sweep.Axes.Where(a => a.Range is not null).ToList();
        return refined.SelectMany((axis, d) => new[]
        {
            ParquetColumn<RunRow>.Value($"cell_{axis.ShortName}_lo", r => Cell(r.Run, d, axis.ShortName).Lo),
            ParquetColumn<RunRow>.Value($"cell_{axis.ShortName}_hi", r => Cell(r.Run, d, axis.ShortName).Hi),
        }).ToArray();
    }

    private static CellExtent Cell(RunSpec run, int refinedAxis, string shortName) =>
        run.Place is { } place && refinedAxis < place.Cells.Count && place.Cells[refinedAxis].Axis == shortName
            ? place.Cells[refinedAxis]
            : throw new ArgumentException($"Run {run.RunId} (index {run.Index}) has no cell along {shortName}; it was not proposed by the sweep's search.", nameof(run));

    /// <summary>The settings that are not grid axes, each read from every run's config.</summary>
    private static ParquetColumn<RunRow>[] SettingColumns(IReadOnlyList<GridAxis> axes)
    {
        var axisNames = axes.Select(a => a.ShortName).ToHashSet(StringComparer.Ordinal);
        return SpecCatalog.RunFields.Select(f => (f.Column, f.Path, f.Type))
            .Append((Column: "preset", Path: "model.preset", Type: SpecFieldType.Choice))
            .Where(f => !axisNames.Contains(f.Column))
            .Select(f => SettingColumn.For(f.Column, f.Path, f.Type))
            .ToArray();
    }

    private static ParquetColumn<RunRow>[] GridColumns(IReadOnlyList<GridAxis> axes)
    {
        var taken = new HashSet<string>(RunsTable.Bookkeeping.Concat(RunsTable.Outcome).Select(c => c.Name), StringComparer.Ordinal);
        var columns = new ParquetColumn<RunRow>[axes.Count];
        for (int a = 0; a < axes.Count; a++)
        {
            var axis = axes[a];
            if (!taken.Add(axis.ShortName))
                throw new ArgumentException(
                    $"Grid axis {axis.Path} would be column '{axis.ShortName}' of runs.parquet, which is already a column there.", nameof(axes));
            if (axis.Values.Count == 0)
                throw new ArgumentException($"Grid axis {axis.ShortName} has no values, so its column type is unknown.", nameof(axes));
            var type = axis.Values[0].GetType();
            foreach (var value in axis.Values)
                if (value.GetType() != type)
                    throw new ArgumentException(
                        $"Grid axis {axis.ShortName} mixes {type.Name} and {value.GetType().Name} values; a runs.parquet column needs one type.", nameof(axes));
            columns[a] = GridColumn(axis.ShortName, a, type);
        }
        return columns;
    }

    /// <summary>One grid axis's column, typed by the axis values.</summary>
    private static ParquetColumn<RunRow> GridColumn(string name, int axisIndex, Type type) =>
        type == typeof(double) ? ParquetColumn<RunRow>.Value(name, r => GridValue<double>(r.Run, axisIndex, name))
        : type == typeof(long) ? ParquetColumn<RunRow>.Value(name, r => GridValue<long>(r.Run, axisIndex, name))
        : type == typeof(bool) ? ParquetColumn<RunRow>.Value(name, r => GridValue<bool>(r.Run, axisIndex, name))
        : type == typeof(string) ? ParquetColumn<RunRow>.Text(name, r => GridValue<string>(r.Run, axisIndex, name), Presence.Required)
        : throw new ArgumentException(
            $"Grid axis {name} has {type.Name} values; runs.parquet columns accept double, long, string or bool.", nameof(type));

    private static T GridValue<T>(RunSpec run, int axisIndex, string shortName)
    {
        var value = ParameterOf(run, axisIndex, shortName);
        return value is T typed
            ? typed
            : throw new ArgumentException(
                $"Grid value {value} ({value.GetType().Name}) of run {run.RunId} (index {run.Index}) does not match axis {shortName}'s type {typeof(T).Name}.",
                nameof(run));
    }

    private static object ParameterOf(RunSpec run, int axisIndex, string shortName)
    {
        var parameters = run.Parameters;
        // Expansion lists parameters in axis order; the search only covers hand-built run lists.
        if (axisIndex < parameters.Count && parameters[axisIndex].Key == shortName) return parameters[axisIndex].Value;
        foreach (var (key, value) in parameters)
            if (key == shortName) return value;
        throw new ArgumentException($"Run {run.RunId} (index {run.Index}) has no value for grid axis {shortName}.", nameof(run));
    }
}
