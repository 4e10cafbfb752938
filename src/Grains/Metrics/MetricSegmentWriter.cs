using Grokking.Grains.Fencing;
using Grokking.Grains.Storage;
using Grokking.Training.Metrics;
using Parquet;
using Parquet.Schema;

namespace Grokking.Grains.Metrics;

/// <summary>Writes a run's metric segments to the hive-partitioned Parquet datasets, atomically, and discards them on resume.</summary>
/// <remarks>
/// The disk half of the exactly-once protocol (DESIGN.md, invariants 1 and 6): a segment covers the steps
/// (c_k, c_{k+1}] and is named by its first step; the caller writes the checkpoint for c_{k+1} only
/// after <see cref="WriteAsync"/> returns, and on resume from checkpoint c calls <see cref="DiscardAfter"/>.
/// Every rename into place and every discard happens under the run's fence (<see cref="FileRunFence"/>) with the
/// writing attempt's token, so an attempt that a newer one replaced can no longer change the dataset.
/// <para>
/// Order, so that a reader never sees a step's layer rows without its metric rows: a segment's metrics file is renamed
/// into place (and its folder fsynced) before its layers file, and a discard deletes layers files before metrics files.
/// A crash between the two leaves metric rows without their layer rows, never the reverse, and since the checkpoint
/// is written only after both, the resumed run discards that half-written segment and writes it again.
/// </para>
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
    /// <param name="fence">The writing attempt's fence token; the segment is published only while it is the run's current one.</param>
    /// <param name="steps">Strictly increasing, contiguous steps; the first names the segment.</param>
    /// <param name="layers">Per-layer rows whose steps lie within <paramref name="steps"/>; may be empty.</param>
    /// <exception cref="ArgumentException">Steps are empty, not contiguous, or a layer row lies outside the segment.</exception>
    /// <exception cref="FencedOutException">A newer attempt owns the run; nothing more of this segment was published.</exception>
    public async Task WriteAsync(
        string outDir, string sweepId, string runId, long fence,
        IReadOnlyList<StepMetrics> steps, IReadOnlyList<LayerMetrics> layers, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(layers);
        var metricsFolder = MetricDatasetLayout.MetricsFolder(outDir, sweepId, runId);
        var layersFolder = MetricDatasetLayout.LayersFolder(outDir, sweepId, runId);
        var (firstStep, lastStep) = CheckContiguous(steps);
        CheckLayersWithin(layers, firstStep, lastStep);
        var runFence = new FileRunFence(outDir);
        var segment = MetricDatasetLayout.SegmentFileName(firstStep);

        var metricsTemp = Path.Combine(metricsFolder, MetricDatasetLayout.TempSegmentFileName(firstStep));
        var layersTemp = layers.Count > 0 ? Path.Combine(layersFolder, MetricDatasetLayout.TempSegmentFileName(firstStep)) : null;
        try
        {
            await AtomicFile.WriteTempAsync(metricsTemp, (stream, token) => WriteMetricsAsync(stream, sweepId, runId, steps, token), ct);
            if (layersTemp is not null)
                await AtomicFile.WriteTempAsync(layersTemp, (stream, token) => WriteLayersAsync(stream, sweepId, runId, layers, token), ct);
            ct.ThrowIfCancellationRequested();

            // A retry without layer rows must not leave an earlier attempt's layers behind; deleting layers first is always safe.
            var staleLayers = Path.Combine(layersFolder, segment);
            if (layersTemp is null && File.Exists(staleLayers)) Publish(runFence, sweepId, runId, fence, layersFolder, () => File.Delete(staleLayers));
            Publish(runFence, sweepId, runId, fence, metricsFolder, () => AtomicFile.Rename(metricsTemp, Path.Combine(metricsFolder, segment)));
            if (layersTemp is not null)
                Publish(runFence, sweepId, runId, fence, layersFolder, () => AtomicFile.Rename(layersTemp, Path.Combine(layersFolder, segment)));
        }
        finally
        {
            // Refused, failed or cancelled: no temp file of this write lingers (after a rename it is already gone).
            AtomicFile.TryDelete(metricsTemp);
            if (layersTemp is not null) AtomicFile.TryDelete(layersTemp);
        }
    }

    /// <summary>Deletes the run's metrics and layers segments that start after <paramref name="checkpointStep"/>, and leftover temp files; returns how many files went.</summary>
    /// <param name="fence">The resuming attempt's fence token; nothing is deleted unless it is the run's current one.</param>
    /// <param name="checkpointStep">The step of the checkpoint the run resumes from; -1 when there is none (discards every segment).</param>
    /// <remarks>Temp files of a stale attempt still writing go too; its rename is then refused by the fence, so nothing of it lands.</remarks>
    /// <exception cref="FencedOutException">A newer attempt owns the run; nothing was deleted.</exception>
    public int DiscardAfter(string outDir, string sweepId, string runId, long fence, long checkpointStep)
    {
        // Layers before metrics: a discard cut short leaves metric rows without layer rows, never the reverse.
        string[] folders =
        [
            MetricDatasetLayout.LayersFolder(outDir, sweepId, runId),
            MetricDatasetLayout.MetricsFolder(outDir, sweepId, runId),
        ];
        int removed = 0;
        new FileRunFence(outDir).Commit(sweepId, runId, fence, () =>
        {
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
        });
        return removed;
    }

    // The rename (or delete) happens under the fence; the folder's fsync after it, outside, so the fence lock is held
    // for one metadata operation only.
    private static void Publish(FileRunFence runFence, string sweepId, string runId, long fence, string folder, Action change)
    {
        runFence.Commit(sweepId, runId, fence, change);
        DirectoryFsync.Flush(folder);
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
