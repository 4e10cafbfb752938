using System.Globalization;
using DuckDB.NET.Data;
using Grokking.Client.Plots;
using Grokking.Grains.Storage;

namespace Grokking.Client.Ui;

/// <summary>One evaluation of a run: accuracies and losses on the training and validation sets.</summary>
public sealed record UiEval(long Step, double? TrainAcc, double? ValAcc, double? TrainLoss, double? ValLoss);

/// <summary>One layer's measurements over the run.</summary>
public sealed record UiLayer(int Layer, string Name, IReadOnlyList<long> Steps, IReadOnlyList<double?> FeatureRank, IReadOnlyList<double?> WeightNorm);

/// <summary>What a click on a cell shows: the run's curves, read from the sweep's Parquet dataset.</summary>
public sealed record UiCurves(string RunId, IReadOnlyList<UiEval> Evals, IReadOnlyList<UiLayer> Layers);

/// <summary>Reads one run's evaluations and per-layer measurements from its metric and layer segments with DuckDB.</summary>
public static class RunCurves
{
    public static UiCurves Read(string sweepFolder, string runId)
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        var evals = Rows(connection, sweepFolder, OutputLayout.MetricsDataset, runId,
            "SELECT step, eval_train_acc, val_acc, eval_train_loss, val_loss FROM {0} WHERE val_acc IS NOT NULL ORDER BY step")
            .Select(r => new UiEval(Convert.ToInt64(r[0], CultureInfo.InvariantCulture), Number(r[1]), Number(r[2]), Number(r[3]), Number(r[4])))
            .ToList();
        var layers = Rows(connection, sweepFolder, OutputLayout.LayersDataset, runId,
                "SELECT layer, layer_name, step, feature_rank, weight_norm FROM {0} ORDER BY layer, step")
            .GroupBy(r => Convert.ToInt32(r[0], CultureInfo.InvariantCulture))
            .Select(g => new UiLayer(g.Key, g.First()[1] as string ?? $"layer {g.Key}",
                g.Select(r => Convert.ToInt64(r[2], CultureInfo.InvariantCulture)).ToList(),
                g.Select(r => Number(r[3])).ToList(), g.Select(r => Number(r[4])).ToList()))
            .ToList();
        return new UiCurves(runId, evals, layers);
    }

    private static IReadOnlyList<object[]> Rows(DuckDBConnection connection, string sweepFolder, string dataset, string runId, string sql)
    {
        var folder = OutputLayout.RunFolderIn(sweepFolder, dataset, runId);
        if (!OutputLayout.HasSegments(folder)) return [];
        var glob = OutputLayout.RunSegmentsGlob(folder).Replace("'", "''", StringComparison.Ordinal);
        return SweepResults.Query(connection, string.Format(CultureInfo.InvariantCulture, sql, $"read_parquet('{glob}', hive_partitioning = false)")).Rows;
    }

    private static double? Number(object value) =>
        value is DBNull ? null : Convert.ToDouble(value, CultureInfo.InvariantCulture) is var d && double.IsFinite(d) ? d : null;
}
