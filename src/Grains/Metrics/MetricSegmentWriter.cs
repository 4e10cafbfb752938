using Grokking.Grains.Storage;
using Grokking.Training.Metrics;
using Parquet;
using Parquet.Schema;

namespace Grokking.Grains.Metrics;

/// <summary>Writes a run's metric segments to the hive-partitioned Parquet datasets, atomically, and discards them on resume.</summary>
/// <remarks>
/// The disk half of the exactly-once protocol (DESIGN.md, Invariant 1): a segment covers the steps
/// (c_k, c_{k+1}] and is named by its first step; the caller writes the checkpoint for c_{k+1} only
/// after <see cref="WriteAsync"/> returns, and on resume from checkpoint c calls <see cref="DiscardAfter"/>.
/// </remarks>
public sealed class MetricSegmentWriter
{
    private static readonly DataField<string> SweepIdField = new("sweep_id", nullable: false);
    private static readonly DataField<string> RunIdField = new("run_id", nullable: false);
    private static readonly DataField<long> StepField = new("step");

    private static readonly DataField<double> TrainLossField = new("train_loss");
    private static readonly DataField<double> TrainAccField = new("train_acc");
    private static readonly DataField<double> LrField = new("lr");
    private static readonly DataField<double> WallTimeField = new("wall_time_s");
    private static readonly DataField<double?> EvalTrainLossField = new("eval_train_loss");
    private static readonly DataField<double?> EvalTrainAccField = new("eval_train_acc");
    private static readonly DataField<double?> ValLossField = new("val_loss");
    private static readonly DataField<double?> ValAccField = new("val_acc");
    private static readonly DataField<double?> StepWeightNormField = new("weight_norm");
    private static readonly DataField<double?> RqiField = new("rqi");

    private static readonly DataField<int> LayerField = new("layer");
    private static readonly DataField<string> LayerNameField = new("layer_name", nullable: false);
    private static readonly DataField<long> FeatureRankField = new("feature_rank");
    private static readonly DataField<double> LayerWeightNormField = new("weight_norm");

    private static readonly ParquetSchema MetricsSchema = new(
        SweepIdField, RunIdField, StepField, TrainLossField, TrainAccField, LrField, WallTimeField,
        EvalTrainLossField, EvalTrainAccField, ValLossField, ValAccField, StepWeightNormField, RqiField);

    private static readonly ParquetSchema LayersSchema = new(
        SweepIdField, RunIdField, StepField, LayerField, LayerNameField, FeatureRankField, LayerWeightNormField);

    /// <summary>Durably writes one metrics segment (and its layers segment, named by the same first step); a retry with the same first step replaces both.</summary>
    /// <param name="steps">Strictly increasing, contiguous steps; the first names the segment.</param>
    /// <param name="layers">Per-layer rows whose steps lie within <paramref name="steps"/>; may be empty.</param>
    /// <exception cref="ArgumentException">Steps are empty, not contiguous, or a layer row lies outside the segment.</exception>
    public async Task WriteAsync(
        string outDir, string sweepId, string runId,
        IReadOnlyList<StepMetrics> steps, IReadOnlyList<LayerMetrics> layers, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(layers);
        var metricsFolder = MetricDatasetLayout.MetricsFolder(outDir, sweepId, runId);
        var layersFolder = MetricDatasetLayout.LayersFolder(outDir, sweepId, runId);
        var (firstStep, lastStep) = CheckContiguous(steps);
        CheckLayersWithin(layers, firstStep, lastStep);

        if (layers.Count > 0)
            await WriteAtomicallyAsync(layersFolder, firstStep,
                (stream, token) => WriteLayersAsync(stream, sweepId, runId, layers, token), ct);
        else
            // A retry without layer rows must not leave the earlier attempt's layers behind.
            DeleteSegment(layersFolder, firstStep);

        await WriteAtomicallyAsync(metricsFolder, firstStep,
            (stream, token) => WriteMetricsAsync(stream, sweepId, runId, steps, token), ct);
    }

    /// <summary>Deletes the run's metrics and layers segments that start after <paramref name="checkpointStep"/>, and leftover temp files; returns how many files went.</summary>
    /// <param name="checkpointStep">The step of the checkpoint the run resumes from; -1 when there is none (discards every segment).</param>
    /// <remarks>Call only while no write for this run is in flight: its temp file would be deleted too.</remarks>
    public int DiscardAfter(string outDir, string sweepId, string runId, long checkpointStep)
    {
        string[] folders =
        [
            MetricDatasetLayout.MetricsFolder(outDir, sweepId, runId),
            MetricDatasetLayout.LayersFolder(outDir, sweepId, runId),
        ];
        int removed = 0;
        foreach (var folder in folders)
        {
            if (!Directory.Exists(folder)) continue;
            int removedHere = 0;
            foreach (var path in Directory.GetFiles(folder))
            {
                var name = Path.GetFileName(path);
                bool stale = MetricDatasetLayout.IsTempSegmentFileName(name)
                    || (MetricDatasetLayout.TryParseSegmentFileName(name, out var first) && first > checkpointStep);
                if (!stale) continue;
                File.Delete(path);
                removedHere++;
            }
            // The deletes must be durable before the resumed run writes a checkpoint past them.
            if (removedHere > 0) DirectoryFsync.Flush(folder);
            removed += removedHere;
        }
        return removed;
    }

    private static (long First, long Last) CheckContiguous(IReadOnlyList<StepMetrics> steps)
    {
        if (steps.Count == 0)
            throw new ArgumentException("A metric segment needs at least one step; got none.", nameof(steps));
        long first = steps[0].Step;
        // Validates the range too, before the arithmetic below could overflow.
        _ = MetricDatasetLayout.SegmentFileName(first);
        for (int i = 1; i < steps.Count; i++)
        {
            long previous = steps[i - 1].Step, current = steps[i].Step;
            if (current != previous + 1)
                throw new ArgumentException(
                    $"Steps in a metric segment must be strictly increasing and contiguous: step {previous} (index {i - 1}) "
                    + $"is followed by step {current} (index {i}); expected step {previous + 1}.",
                    nameof(steps));
        }
        return (first, steps[^1].Step);
    }

    private static void CheckLayersWithin(IReadOnlyList<LayerMetrics> layers, long firstStep, long lastStep)
    {
        for (int i = 0; i < layers.Count; i++)
        {
            var row = layers[i];
            if (row.Step < firstStep || row.Step > lastStep)
                throw new ArgumentException(
                    $"Layer row {i} (layer {row.Layer}) is at step {row.Step}, outside this segment's steps {firstStep}..{lastStep}.",
                    nameof(layers));
            if (row.LayerName is null)
                throw new ArgumentException($"Layer row {i} (layer {row.Layer}, step {row.Step}) has no layer name.", nameof(layers));
        }
    }

    private static Task WriteAtomicallyAsync(
        string folder, long firstStep, Func<Stream, CancellationToken, Task> writeBody, CancellationToken ct) =>
        AtomicFile.WriteAsync(
            Path.Combine(folder, MetricDatasetLayout.SegmentFileName(firstStep)),
            Path.Combine(folder, MetricDatasetLayout.TempSegmentFileName(firstStep)),
            writeBody, ct);

    private static void DeleteSegment(string folder, long firstStep) =>
        AtomicFile.Delete(Path.Combine(folder, MetricDatasetLayout.SegmentFileName(firstStep)));

    private static async Task WriteMetricsAsync(
        Stream stream, string sweepId, string runId, IReadOnlyList<StepMetrics> steps, CancellationToken ct)
    {
        int n = steps.Count;
        var step = new long[n];
        var trainLoss = new double[n];
        var trainAcc = new double[n];
        var lr = new double[n];
        var wallTime = new double[n];
        var evalTrainLoss = new double?[n];
        var evalTrainAcc = new double?[n];
        var valLoss = new double?[n];
        var valAcc = new double?[n];
        var weightNorm = new double?[n];
        var rqi = new double?[n];
        for (int i = 0; i < n; i++)
        {
            var s = steps[i];
            step[i] = s.Step;
            trainLoss[i] = s.TrainLoss;
            trainAcc[i] = s.TrainAcc;
            lr[i] = s.Lr;
            wallTime[i] = s.WallTimeS;
            evalTrainLoss[i] = s.EvalTrainLoss;
            evalTrainAcc[i] = s.EvalTrainAcc;
            valLoss[i] = s.ValLoss;
            valAcc[i] = s.ValAcc;
            weightNorm[i] = s.WeightNorm;
            rqi[i] = s.Rqi;
        }

        await using var writer = await ParquetWriter.CreateAsync(MetricsSchema, stream, cancellationToken: ct);
        using var rowGroup = writer.CreateRowGroup();
        await rowGroup.WriteAsync(SweepIdField, Repeat(sweepId, n));
        await rowGroup.WriteAsync(RunIdField, Repeat(runId, n));
        await rowGroup.WriteAsync<long>(StepField, step, cancellationToken: ct);
        await rowGroup.WriteAsync<double>(TrainLossField, trainLoss, cancellationToken: ct);
        await rowGroup.WriteAsync<double>(TrainAccField, trainAcc, cancellationToken: ct);
        await rowGroup.WriteAsync<double>(LrField, lr, cancellationToken: ct);
        await rowGroup.WriteAsync<double>(WallTimeField, wallTime, cancellationToken: ct);
        await rowGroup.WriteAsync<double>(EvalTrainLossField, evalTrainLoss, cancellationToken: ct);
        await rowGroup.WriteAsync<double>(EvalTrainAccField, evalTrainAcc, cancellationToken: ct);
        await rowGroup.WriteAsync<double>(ValLossField, valLoss, cancellationToken: ct);
        await rowGroup.WriteAsync<double>(ValAccField, valAcc, cancellationToken: ct);
        await rowGroup.WriteAsync<double>(StepWeightNormField, weightNorm, cancellationToken: ct);
        await rowGroup.WriteAsync<double>(RqiField, rqi, cancellationToken: ct);
        rowGroup.CompleteValidate();
    }

    private static async Task WriteLayersAsync(
        Stream stream, string sweepId, string runId, IReadOnlyList<LayerMetrics> layers, CancellationToken ct)
    {
        int n = layers.Count;
        var step = new long[n];
        var layer = new int[n];
        var layerName = new string[n];
        var featureRank = new long[n];
        var weightNorm = new double[n];
        for (int i = 0; i < n; i++)
        {
            var row = layers[i];
            step[i] = row.Step;
            layer[i] = row.Layer;
            layerName[i] = row.LayerName;
            featureRank[i] = row.FeatureRank;
            weightNorm[i] = row.WeightNorm;
        }

        await using var writer = await ParquetWriter.CreateAsync(LayersSchema, stream, cancellationToken: ct);
        using var rowGroup = writer.CreateRowGroup();
        await rowGroup.WriteAsync(SweepIdField, Repeat(sweepId, n));
        await rowGroup.WriteAsync(RunIdField, Repeat(runId, n));
        await rowGroup.WriteAsync<long>(StepField, step, cancellationToken: ct);
        await rowGroup.WriteAsync<int>(LayerField, layer, cancellationToken: ct);
        await rowGroup.WriteAsync(LayerNameField, layerName);
        await rowGroup.WriteAsync<long>(FeatureRankField, featureRank, cancellationToken: ct);
        await rowGroup.WriteAsync<double>(LayerWeightNormField, weightNorm, cancellationToken: ct);
        rowGroup.CompleteValidate();
    }

    private static string[] Repeat(string value, int count)
    {
        var column = new string[count];
        Array.Fill(column, value);
        return column;
    }
}
