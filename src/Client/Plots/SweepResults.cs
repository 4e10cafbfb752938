using System.Globalization;
using System.Numerics;
using DuckDB.NET.Data;
using Grokking.Grains.Storage;
using Grokking.Grains.Sweeps;

namespace Grokking.Client.Plots;

/// <summary>
/// A finished sweep's Parquet dataset, read with an in-memory DuckDB: the grid axes and one <see cref="RunResult"/>
/// per grid point from runs.parquet, and on request one run's evaluations or per-layer measurements.
/// </summary>
public sealed class SweepResults : IDisposable
{
    // The grid axes' columns lie between these two parts of the table's definition.
    private static readonly string LastBookkeepingColumn = RunsTable.Bookkeeping.Columns[^1].Name;
    private static readonly string FirstOutcomeColumn = RunsTable.Outcome.Columns[0].Name;

    private readonly DuckDBConnection _connection;

    private SweepResults(
        DuckDBConnection connection, string folder, string name, IReadOnlyList<GridAxis> axes, IReadOnlyList<RunResult> runs,
        IReadOnlyDictionary<string, Type> columnTypes, IReadOnlyList<string> numericColumns)
    {
        _connection = connection;
        Folder = folder;
        Name = name;
        Axes = axes;
        Runs = runs;
        ColumnTypes = columnTypes;
        NumericColumns = numericColumns;
    }

    /// <summary>The sweep folder, OUT/sweep=NAME.</summary>
    public string Folder { get; }

    public string Name { get; }

    /// <summary>The grid axes in spec order (the runs.parquet columns between <c>failures</c> and <c>steps_trained</c>).</summary>
    public IReadOnlyList<GridAxis> Axes { get; }

    /// <summary>Every grid point in grid order.</summary>
    public IReadOnlyList<RunResult> Runs { get; }

    /// <summary>Runs still pending or running: the sweep is read as far as it has got.</summary>
    public int UnfinishedRuns => Runs.Count(r => r.Status is "pending" or "running");

    /// <summary>Every runs.parquet column with the .NET type DuckDB reads it as (string, long, double, bool, ...).</summary>
    public IReadOnlyDictionary<string, Type> ColumnTypes { get; }

    /// <summary>
    /// The runs.parquet columns of integer or floating type other than the grid axes and run_index, in file order:
    /// the numbers a line plot can draw against an axis. Each run's values are in <see cref="RunResult.Numbers"/>.
    /// </summary>
    public IReadOnlyList<string> NumericColumns { get; }

    /// <summary>
    /// Opens a sweep: a <c>sweep=NAME</c> folder, or an output folder holding exactly one sweep. A sweep still running is
    /// read as far as it has got (<see cref="UnfinishedRuns"/>): its runs without an outcome are empty cells and partial curves.
    /// </summary>
    /// <exception cref="PlotInputException">No such folder or no sweep in it.</exception>
    public static SweepResults Load(string folder)
    {
        var full = Path.GetFullPath(folder);
        if (!Directory.Exists(full))
            throw new PlotInputException($"{folder}: no such folder; give a finished sweep folder such as runs/sweep=quick.");
        var sweeps = OutputLayout.SweepsAt(full);
        if (sweeps.Count != 1)
            throw new PlotInputException(sweeps.Count == 0
                ? $"{folder}: not a sweep folder (no runs.parquet); give a finished sweep folder such as runs/sweep=quick."
                : $"{folder}: holds {sweeps.Count} sweeps ({string.Join(", ", sweeps.Select(Path.GetFileName))}); give one of them.");
        full = sweeps[0];
        DuckDBConnection? connection = new("Data Source=:memory:");
        try
        {
            connection.Open();
            var (columns, types, rows) = Query(connection, $"SELECT * FROM {Source(OutputLayout.RunsTableIn(full))} ORDER BY run_index");
            var results = Build(folder, full, columns, types, rows, connection);
            connection = null;
            return results;
        }
        catch (DuckDBException e)
        {
            throw new PlotInputException($"{folder}: runs.parquet cannot be read ({e.Message.ReplaceLineEndings(" ")}).");
        }
        finally
        {
            connection?.Dispose();
        }
    }

    /// <summary>The run's full evaluations in step order; empty when it wrote none.</summary>
    public IReadOnlyList<CurvePoint> Curve(string runId)
    {
        var files = RunFiles(OutputLayout.MetricsDataset, runId);
        if (files is null) return [];
        var (_, _, rows) = Query(_connection, $"SELECT step, eval_train_acc, val_acc FROM {Source(files)} WHERE val_acc IS NOT NULL ORDER BY step");
        return rows.Select(r => new CurvePoint(Convert.ToInt64(r[0], CultureInfo.InvariantCulture), Number(r[1]), Number(r[2]))).ToList();
    }

    /// <summary>The run's per-layer feature rank and weight norm by layer, then step; empty when it measured none.</summary>
    public IReadOnlyList<LayerPoint> Layers(string runId)
    {
        var files = RunFiles(OutputLayout.LayersDataset, runId);
        if (files is null) return [];
        var (_, _, rows) = Query(_connection, $"SELECT step, layer, layer_name, feature_rank, weight_norm FROM {Source(files)} ORDER BY layer, step");
        return rows.Select(r => new LayerPoint(Convert.ToInt64(r[0], CultureInfo.InvariantCulture), Convert.ToInt32(r[1], CultureInfo.InvariantCulture),
            r[2] as string ?? $"layer {r[1]}", Number(r[3]), Number(r[4]))).ToList();
    }

    public void Dispose() => _connection.Dispose();

    private static SweepResults Build(
        string folder, string full, List<string> columns, List<Type> types, IReadOnlyList<object[]> rows, DuckDBConnection connection)
    {
        int Column(string name) => columns.IndexOf(name) is var i and >= 0
            ? i
            : throw new PlotInputException($"{folder}: runs.parquet has no column {name}; it was not written by grokking run.");
        var first = Column(LastBookkeepingColumn) + 1;
        var axisNames = columns.Take(Column(FirstOutcomeColumn)).Skip(first).ToList();
        var (runId, index, status) = (Column("run_id"), Column("run_index"), Column("status"));
        var (train99, val99, gap, phase) = (Column("step_train_99"), Column("step_val_99"), Column("grokking_gap"), Column("phase"));
        var (finalVal, maxVal) = (Column("final_val_acc"), Column("max_val_acc"));
        var numeric = columns.Select((c, i) => (c, i))
            .Where(p => IsNumeric(types[p.i]) && p.c != "run_index" && !axisNames.Contains(p.c))
            .ToList();
        var name = rows.Count > 0 && rows[0][Column("sweep_id")] is string id ? id : OutputLayout.SweepIdOf(full);
        if (rows.Count == 0) throw new PlotInputException($"{folder}: sweep {name} has no runs in runs.parquet.");
        var runs = rows.Select(r => new RunResult
        {
            RunId = (string)r[runId],
            Index = Convert.ToInt32(r[index], CultureInfo.InvariantCulture),
            Status = r[status] as string ?? "",
            Parameters = axisNames.Select((a, i) => (a, v: r[first + i])).ToDictionary(p => p.a, p => p.v),
            StepTrain99 = Long(r[train99]),
            StepVal99 = Long(r[val99]),
            GrokkingGap = Long(r[gap]),
            Phase = r[phase] as string,
            FinalValAcc = NullableNumber(r[finalVal]),
            MaxValAcc = NullableNumber(r[maxVal]),
            Numbers = numeric.ToDictionary(p => p.c, p => Finite(r[p.i])),
        }).ToList();
        var axes = axisNames.Select(a => new GridAxis(a, AxisValues(runs.Select(r => r.Parameters[a])))).ToList();
        var columnTypes = columns.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => types[p.i]);
        return new SweepResults(connection, full, name, axes, runs, columnTypes, numeric.Select(p => p.c).ToList());
    }

    // Numbers read best in ascending order; names (operations, layouts) keep the order the spec listed them in.
    private static List<object> AxisValues(IEnumerable<object> values)
    {
        var distinct = values.Distinct().ToList();
        return distinct.All(v => GridAxis.AsNumber(v) is not null)
            ? distinct.OrderBy(v => GridAxis.AsNumber(v)!.Value).ToList()
            : distinct;
    }

    private string? RunFiles(string dataset, string runId)
    {
        var folder = OutputLayout.RunFolderIn(Folder, dataset, runId);
        return OutputLayout.HasSegments(folder) ? OutputLayout.RunSegmentsGlob(folder) : null;
    }

    // Hive partitioning off: the sweep=/run= folder names would add columns that runs.parquet already has.
    private static string Source(string files) => $"read_parquet('{files.Replace("'", "''", StringComparison.Ordinal)}', hive_partitioning = false)";

    /// <summary>Runs <paramref name="sql"/>: the result's column names, their .NET types, and its rows.</summary>
    internal static (List<string> Columns, List<Type> Types, IReadOnlyList<object[]> Rows) Query(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var types = Enumerable.Range(0, reader.FieldCount).Select(reader.GetFieldType).ToList();
        var rows = new List<object[]>();
        while (reader.Read())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }
        return (columns, types, rows);
    }

    private static bool IsNumeric(Type type) =>
        type == typeof(sbyte) || type == typeof(byte) || type == typeof(short) || type == typeof(ushort)
        || type == typeof(int) || type == typeof(uint) || type == typeof(long) || type == typeof(ulong)
        || type == typeof(float) || type == typeof(double) || type == typeof(decimal) || type == typeof(Half)
        || type == typeof(BigInteger) || type == typeof(Int128) || type == typeof(UInt128);

    // NaN and infinity (a diverged run's loss) have no place on an axis; they read as "no value", as NULL does.
    private static double? Finite(object value)
    {
        double? number = value switch
        {
            DBNull => null,
            BigInteger b => (double)b,
            Int128 i => (double)i,
            UInt128 u => (double)u,
            Half h => (double)h,
            _ => Convert.ToDouble(value, CultureInfo.InvariantCulture),
        };
        return number is { } n && double.IsFinite(n) ? n : null;
    }

    private static long? Long(object value) => value is DBNull ? null : Convert.ToInt64(value, CultureInfo.InvariantCulture);

    private static double? NullableNumber(object value) => value is DBNull ? null : Convert.ToDouble(value, CultureInfo.InvariantCulture);

    private static double Number(object value) => NullableNumber(value) ?? double.NaN;
}
