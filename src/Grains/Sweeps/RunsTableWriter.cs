using Grokking.Grains.Contracts;
using Grokking.Grains.Metrics;
using Grokking.Grains.Specs;
using Grokking.Grains.Storage;
using Parquet;
using Parquet.Schema;

namespace Grokking.Grains.Sweeps;

/// <summary>Writes OUT/sweep=&lt;sweep&gt;/runs.parquet: one row per grid point with its status, its grid values as typed columns, and its outcome.</summary>
/// <remarks>
/// The file is replaced atomically (temp file, fsync, rename), so a reader polling it during a sweep sees the
/// previous table or the new one, never a partial file. Columns: sweep_id, run_id, run_index, status, attempts,
/// failures, one column per grid axis named by its short name, then the outcome columns (null until the run has one),
/// then every other resolved setting of the run under its short name (lr, norm, batch_size, ...), so sweeps of
/// different settings union in one query and a preset's choices are on record.
/// </remarks>
public sealed class RunsTableWriter
{
    /// <summary>The table's file name inside the sweep folder.</summary>
    public const string FileName = "runs.parquet";

    private static readonly DataField<string> SweepIdField = new("sweep_id", nullable: false);
    private static readonly DataField<string> RunIdField = new("run_id", nullable: false);
    private static readonly DataField<int> RunIndexField = new("run_index");
    private static readonly DataField<string> StatusField = new("status", nullable: false);
    private static readonly DataField<int> AttemptsField = new("attempts");
    private static readonly DataField<int> FailuresField = new("failures");

    private static readonly DataField<long> StepsTrainedField = new("steps_trained");
    private static readonly DataField<long?> StepTrain99Field = new("step_train_99");
    private static readonly DataField<long?> StepVal99Field = new("step_val_99");
    private static readonly DataField<long?> GrokkingGapField = new("grokking_gap");
    private static readonly DataField<long?> StepTrainThresholdField = new("step_train_threshold");
    private static readonly DataField<long?> StepValThresholdField = new("step_val_threshold");
    private static readonly DataField<long?> StepValLossBelowField = new("step_val_loss_below");
    private static readonly DataField<long?> DivergedAtField = new("diverged_at");
    private static readonly DataField<string> PhaseField = new("phase", nullable: true);
    private static readonly DataField<double?> FinalTrainLossField = new("final_train_loss");
    private static readonly DataField<double?> FinalTrainAccField = new("final_train_acc");
    private static readonly DataField<double?> FinalValLossField = new("final_val_loss");
    private static readonly DataField<double?> FinalValAccField = new("final_val_acc");
    private static readonly DataField<double?> MaxValAccField = new("max_val_acc");
    private static readonly DataField<bool?> StoppedEarlyField = new("stopped_early");
    private static readonly DataField<double?> WallTimeField = new("wall_time_s");
    private static readonly DataField<string> SiloField = new("silo", nullable: true);
    private static readonly DataField<string> ErrorField = new("error", nullable: true);
    private static readonly DataField<string> NoteField = new("note", nullable: true);

    private static readonly DataField[] LeadingFields =
        [SweepIdField, RunIdField, RunIndexField, StatusField, AttemptsField, FailuresField];

    private static readonly DataField[] OutcomeFields =
    [
        StepsTrainedField, StepTrain99Field, StepVal99Field, GrokkingGapField, StepTrainThresholdField,
        StepValThresholdField, StepValLossBelowField, DivergedAtField, PhaseField, FinalTrainLossField, FinalTrainAccField, FinalValLossField,
        FinalValAccField, MaxValAccField, StoppedEarlyField, WallTimeField, SiloField, ErrorField, NoteField,
    ];

    /// <summary>OUT/sweep=&lt;sweep&gt;/runs.parquet.</summary>
    public static string PathOf(string outDir, string sweepId) =>
        Path.Combine(MetricDatasetLayout.SweepFolder(outDir, sweepId), FileName);

    /// <summary>Durably replaces the sweep's runs table with one row per run in <paramref name="runs"/>.</summary>
    /// <param name="runs">The sweep's grid points, in the order the rows should have.</param>
    /// <param name="records">What is known per run id; a run without a record is pending with no attempts.</param>
    /// <exception cref="ArgumentException">A run belongs to another sweep, lacks a grid value, or a grid value's type differs from its axis.</exception>
    public async Task WriteAsync(
        string outDir, SweepSpec sweep, IReadOnlyList<RunSpec> runs,
        IReadOnlyDictionary<string, RunRecord> records, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(records);
        var path = PathOf(outDir, sweep.Name);
        var grid = GridColumns(sweep.Axes, runs.Count);
        var table = BuildColumns(sweep.Name, runs, records, grid);
        var settings = SettingColumns(grid, runs);
        var schema = new ParquetSchema([.. LeadingFields, .. grid.Select(g => g.Field), .. OutcomeFields, .. settings.Select(c => c.Field)]);
        var temp = Path.Combine(Path.GetDirectoryName(path)!, "." + FileName + "." + Guid.NewGuid().ToString("N") + ".tmp");
        await AtomicFile.WriteAsync(path, temp, (stream, token) => WriteTableAsync(stream, schema, table, grid, settings, token), ct);
    }

    /// <summary>The settings that are not grid axes, each with its value for every run.</summary>
    private static SettingColumn[] SettingColumns(GridColumn[] grid, IReadOnlyList<RunSpec> runs)
    {
        var axes = grid.Select(g => g.Field.Name).ToHashSet(StringComparer.Ordinal);
        var fields = SpecCatalog.RunFields.Select(f => (f.Column, f.Path, f.Type))
            .Append((Column: "preset", Path: "model.preset", Type: SpecFieldType.Choice))
            .Where(f => !axes.Contains(f.Column));
        return fields.Select(f => SettingColumn.For(f.Column, f.Type, runs.Select(r => ConfigFields.Read(r.Config, f.Path)).ToArray())).ToArray();
    }

    private static GridColumn[] GridColumns(IReadOnlyList<GridAxis> axes, int rows)
    {
        var taken = new HashSet<string>(LeadingFields.Concat(OutcomeFields).Select(f => f.Name), StringComparer.Ordinal);
        var columns = new GridColumn[axes.Count];
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
            columns[a] = GridColumn.For(axis.ShortName, type, rows);
        }
        return columns;
    }

    private static Columns BuildColumns(
        string sweepId, IReadOnlyList<RunSpec> runs, IReadOnlyDictionary<string, RunRecord> records, GridColumn[] grid)
    {
        int n = runs.Count;
        var c = new Columns(n);
        Array.Fill(c.SweepId, sweepId);
        for (int i = 0; i < n; i++)
        {
            var run = runs[i];
            if (!string.Equals(run.SweepId, sweepId, StringComparison.Ordinal))
                throw new ArgumentException($"Run {run.RunId} (index {run.Index}) belongs to sweep {run.SweepId}, not {sweepId}.", nameof(runs));
            for (int a = 0; a < grid.Length; a++)
                grid[a].Set(i, ParameterOf(run, a, grid[a].Field.Name));

            var record = records.GetValueOrDefault(run.RunId);
            var outcome = record?.Outcome;
            c.RunId[i] = run.RunId;
            c.RunIndex[i] = run.Index;
            c.Status[i] = StatusName(record?.Status ?? RunStatus.Pending);
            c.Attempts[i] = record?.Attempts ?? 0;
            c.Failures[i] = record?.Failures ?? 0;
            // Progress so far until the run has an outcome, so a running sweep's table shows how far each run got.
            c.StepsTrained[i] = outcome?.StepsTrained ?? record?.Step ?? 0;
            c.Silo[i] = record?.Silo;
            c.Error[i] = record?.Error;
            c.Note[i] = record?.Note;
            if (outcome is null) continue;
            c.StepTrain99[i] = outcome.StepTrain99;
            c.StepVal99[i] = outcome.StepVal99;
            c.GrokkingGap[i] = outcome.GrokkingGap;
            c.StepTrainThreshold[i] = outcome.StepTrainThreshold;
            c.StepValThreshold[i] = outcome.StepValThreshold;
            c.StepValLossBelow[i] = outcome.StepValLossBelow;
            c.DivergedAt[i] = outcome.DivergedAt;
            c.Phase[i] = outcome.Phase;
            c.FinalTrainLoss[i] = outcome.FinalTrainLoss;
            c.FinalTrainAcc[i] = outcome.FinalTrainAcc;
            c.FinalValLoss[i] = outcome.FinalValLoss;
            c.FinalValAcc[i] = outcome.FinalValAcc;
            c.MaxValAcc[i] = outcome.MaxValAcc;
            c.StoppedEarly[i] = outcome.StoppedEarly;
            c.WallTime[i] = outcome.WallTimeS;
        }
        return c;
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

    private static string StatusName(RunStatus status) => status switch
    {
        RunStatus.Pending => "pending",
        RunStatus.Running => "running",
        RunStatus.Done => "done",
        RunStatus.Failed => "failed",
        RunStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown run status."),
    };

    private static async Task WriteTableAsync(
        Stream stream, ParquetSchema schema, Columns c, GridColumn[] grid, SettingColumn[] settings, CancellationToken ct)
    {
        await using var writer = await ParquetWriter.CreateAsync(schema, stream, cancellationToken: ct);
        using var rowGroup = writer.CreateRowGroup();
        await rowGroup.WriteAsync(SweepIdField, c.SweepId);
        await rowGroup.WriteAsync(RunIdField, c.RunId);
        await rowGroup.WriteAsync<int>(RunIndexField, c.RunIndex, cancellationToken: ct);
        await rowGroup.WriteAsync(StatusField, c.Status);
        await rowGroup.WriteAsync<int>(AttemptsField, c.Attempts, cancellationToken: ct);
        await rowGroup.WriteAsync<int>(FailuresField, c.Failures, cancellationToken: ct);
        foreach (var column in grid)
            await column.WriteAsync(rowGroup, ct);
        await rowGroup.WriteAsync<long>(StepsTrainedField, c.StepsTrained, cancellationToken: ct);
        await rowGroup.WriteAsync<long>(StepTrain99Field, c.StepTrain99, cancellationToken: ct);
        await rowGroup.WriteAsync<long>(StepVal99Field, c.StepVal99, cancellationToken: ct);
        await rowGroup.WriteAsync<long>(GrokkingGapField, c.GrokkingGap, cancellationToken: ct);
        await rowGroup.WriteAsync<long>(StepTrainThresholdField, c.StepTrainThreshold, cancellationToken: ct);
        await rowGroup.WriteAsync<long>(StepValThresholdField, c.StepValThreshold, cancellationToken: ct);
        await rowGroup.WriteAsync<long>(StepValLossBelowField, c.StepValLossBelow, cancellationToken: ct);
        await rowGroup.WriteAsync<long>(DivergedAtField, c.DivergedAt, cancellationToken: ct);
        await rowGroup.WriteAsync(PhaseField, c.Phase);
        await rowGroup.WriteAsync<double>(FinalTrainLossField, c.FinalTrainLoss, cancellationToken: ct);
        await rowGroup.WriteAsync<double>(FinalTrainAccField, c.FinalTrainAcc, cancellationToken: ct);
        await rowGroup.WriteAsync<double>(FinalValLossField, c.FinalValLoss, cancellationToken: ct);
        await rowGroup.WriteAsync<double>(FinalValAccField, c.FinalValAcc, cancellationToken: ct);
        await rowGroup.WriteAsync<double>(MaxValAccField, c.MaxValAcc, cancellationToken: ct);
        await rowGroup.WriteAsync<bool>(StoppedEarlyField, c.StoppedEarly, cancellationToken: ct);
        await rowGroup.WriteAsync<double>(WallTimeField, c.WallTime, cancellationToken: ct);
        await rowGroup.WriteAsync(SiloField, c.Silo);
        await rowGroup.WriteAsync(ErrorField, c.Error);
        await rowGroup.WriteAsync(NoteField, c.Note);
        foreach (var setting in settings)
            await setting.WriteAsync(rowGroup, ct);
        rowGroup.CompleteValidate();
    }

    /// <summary>The fixed columns of the table, one array per column.</summary>
    private sealed class Columns(int n)
    {
        public readonly string[] SweepId = new string[n];
        public readonly string[] RunId = new string[n];
        public readonly int[] RunIndex = new int[n];
        public readonly string[] Status = new string[n];
        public readonly int[] Attempts = new int[n];
        public readonly int[] Failures = new int[n];
        public readonly long[] StepsTrained = new long[n];
        public readonly long?[] StepTrain99 = new long?[n];
        public readonly long?[] StepVal99 = new long?[n];
        public readonly long?[] GrokkingGap = new long?[n];
        public readonly long?[] StepTrainThreshold = new long?[n];
        public readonly long?[] StepValThreshold = new long?[n];
        public readonly long?[] StepValLossBelow = new long?[n];
        public readonly long?[] DivergedAt = new long?[n];
        public readonly string?[] Phase = new string?[n];
        public readonly double?[] FinalTrainLoss = new double?[n];
        public readonly double?[] FinalTrainAcc = new double?[n];
        public readonly double?[] FinalValLoss = new double?[n];
        public readonly double?[] FinalValAcc = new double?[n];
        public readonly double?[] MaxValAcc = new double?[n];
        public readonly bool?[] StoppedEarly = new bool?[n];
        public readonly double?[] WallTime = new double?[n];
        public readonly string?[] Silo = new string?[n];
        public readonly string?[] Error = new string?[n];
        public readonly string?[] Note = new string?[n];
    }

    /// <summary>One grid axis's column, typed by the axis values.</summary>
    private abstract class GridColumn
    {
        public abstract DataField Field { get; }

        public abstract void Set(int row, object value);

        public abstract Task WriteAsync(ParquetRowGroupWriter rowGroup, CancellationToken ct);

        public static GridColumn For(string name, Type type, int rows) =>
            type == typeof(double) ? new ValueColumn<double>(name, rows)
            : type == typeof(long) ? new ValueColumn<long>(name, rows)
            : type == typeof(bool) ? new ValueColumn<bool>(name, rows)
            : type == typeof(string) ? new StringColumn(name, rows)
            : throw new ArgumentException(
                $"Grid axis {name} has {type.Name} values; runs.parquet columns accept double, long, string or bool.", nameof(type));
    }

    private sealed class ValueColumn<T>(string name, int rows) : GridColumn where T : struct
    {
        private readonly DataField<T> _field = new(name);
        private readonly T[] _values = new T[rows];

        public override DataField Field => _field;

        public override void Set(int row, object value) =>
            _values[row] = value is T typed
                ? typed
                : throw new ArgumentException(
                    $"Grid value {value} ({value.GetType().Name}) of row {row} does not match axis {_field.Name}'s type {typeof(T).Name}.", nameof(value));

        public override Task WriteAsync(ParquetRowGroupWriter rowGroup, CancellationToken ct) =>
            rowGroup.WriteAsync<T>(_field, _values, cancellationToken: ct);
    }

    private sealed class StringColumn(string name, int rows) : GridColumn
    {
        private readonly DataField<string> _field = new(name, nullable: false);
        private readonly string[] _values = new string[rows];

        public override DataField Field => _field;

        public override void Set(int row, object value) =>
            _values[row] = value as string
                ?? throw new ArgumentException(
                    $"Grid value {value} ({value.GetType().Name}) of row {row} does not match axis {_field.Name}'s type String.", nameof(value));

        public override Task WriteAsync(ParquetRowGroupWriter rowGroup, CancellationToken ct) =>
            rowGroup.WriteAsync(_field, _values);
    }
}
