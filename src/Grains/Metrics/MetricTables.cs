using Grokking.Grains.Storage;

namespace Grokking.Grains.Metrics;

/// <summary>The columns of the metrics and layers datasets, each defined here once; a new metric is one line in its table.</summary>
/// <remarks>
/// The file format users' datasets and DuckDB queries rely on: names, order, types and nullability must not change,
/// only grow at the end. sweep_id and run_id repeat the hive partitions so a tool without hive support reads them.
/// </remarks>
public static class MetricTables
{
    /// <summary>metrics/run=&lt;run&gt;/part-*.parquet: one row per step; evaluations and norms are null on steps that did not measure them.</summary>
    public static readonly ParquetTable<MetricRow> Metrics = new()
    {
        { "sweep_id", r => r.SweepId, Presence.Required },
        { "run_id", r => r.RunId, Presence.Required },
        { "step", r => r.Step.Step },
        { "train_loss", r => r.Step.TrainLoss },
        { "train_acc", r => r.Step.TrainAcc },
        { "lr", r => r.Step.Lr },
        { "wall_time_s", r => r.Step.WallTimeS },
        { "eval_train_loss", r => r.Step.EvalTrainLoss },
        { "eval_train_acc", r => r.Step.EvalTrainAcc },
        { "val_loss", r => r.Step.ValLoss },
        { "val_acc", r => r.Step.ValAcc },
        { "weight_norm", r => r.Step.WeightNorm },
        { "rqi", r => r.Step.Rqi },
    };

    /// <summary>layers/run=&lt;run&gt;/part-*.parquet: one row per (step, layer) measured.</summary>
    public static readonly ParquetTable<LayerRow> Layers = new()
    {
        { "sweep_id", r => r.SweepId, Presence.Required },
        { "run_id", r => r.RunId, Presence.Required },
        { "step", r => r.Layer.Step },
        { "layer", r => r.Layer.Layer },
        { "layer_name", r => r.Layer.LayerName, Presence.Required },
        { "feature_rank", r => r.Layer.FeatureRank },
        { "weight_norm", r => r.Layer.WeightNorm },
    };
}
