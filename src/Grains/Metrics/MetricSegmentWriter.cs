using Grokking.Grains.Fencing;
using Grokking.Grains.Storage;
using Grokking.Training.Metrics;

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
/// The files' columns are <see cref="MetricTables"/>'; their names and places, <see cref="OutputLayout"/>'s.
/// </remarks>
public sealed class MetricSegmentWriter
{
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
        var metricsFolder = OutputLayout.MetricsFolder(outDir, sweepId, runId);
        var layersFolder = OutputLayout.LayersFolder(outDir, sweepId, runId);
        var (firstStep, lastStep) = CheckContiguous(steps);
        CheckLayersWithin(layers, firstStep, lastStep);
        var runFence = new FileRunFence(outDir);
        var metricsFile = Path.Combine(metricsFolder, OutputLayout.SegmentFileName(firstStep));
        var layersFile = Path.Combine(layersFolder, OutputLayout.SegmentFileName(firstStep));

        string? metricsTemp = null, layersTemp = null;
        try
        {
            var metricRows = steps.Select(s => new MetricRow(sweepId, runId, s)).ToArray();
            metricsTemp = await AtomicFile.WriteTempAsync(metricsFile, (stream, token) => MetricTables.Metrics.WriteAsync(stream, metricRows, token), ct);
            if (layers.Count > 0)
            {
                var layerRows = layers.Select(l => new LayerRow(sweepId, runId, l)).ToArray();
                layersTemp = await AtomicFile.WriteTempAsync(layersFile, (stream, token) => MetricTables.Layers.WriteAsync(stream, layerRows, token), ct);
            }
            ct.ThrowIfCancellationRequested();

            // A retry without layer rows must not leave an earlier attempt's layers behind; deleting layers first is always safe.
            if (layersTemp is null && File.Exists(layersFile)) Publish(runFence, sweepId, runId, fence, layersFolder, () => File.Delete(layersFile));
            Publish(runFence, sweepId, runId, fence, metricsFolder, () => AtomicFile.Rename(metricsTemp, metricsFile));
            if (layersTemp is not null)
                Publish(runFence, sweepId, runId, fence, layersFolder, () => AtomicFile.Rename(layersTemp, layersFile));
        }
        finally
        {
            // Refused, failed or cancelled: no temp file of this write lingers (after a rename it is already gone).
            if (metricsTemp is not null) AtomicFile.TryDelete(metricsTemp);
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
            OutputLayout.LayersFolder(outDir, sweepId, runId),
            OutputLayout.MetricsFolder(outDir, sweepId, runId),
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
                    bool stale = OutputLayout.IsTempFileName(name)
                        || (OutputLayout.TryParseSegmentFileName(name, out var first) && first > checkpointStep);
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
        _ = OutputLayout.SegmentFileName(first);
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
}
