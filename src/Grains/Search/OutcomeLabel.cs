using System.Globalization;
using Grokking.Grains.Contracts;

namespace Grokking.Grains.Search;

/// <summary>
/// What a boundary search compares between runs: a categorical runs.parquet column (phase by default), or a numeric
/// one split at a level into <c>above</c> and <c>below</c>. The names are runs.parquet's column names.
/// </summary>
public sealed class OutcomeLabel
{
    private static readonly Dictionary<string, Func<RunOutcomeSummary, string?>> Categorical = new(StringComparer.Ordinal)
    {
        ["phase"] = o => o.Phase,
        ["stopped_early"] = o => o.StoppedEarly ? "true" : "false",
    };

    private static readonly Dictionary<string, Func<RunOutcomeSummary, double?>> Numeric = new(StringComparer.Ordinal)
    {
        ["final_val_acc"] = o => o.FinalValAcc,
        ["final_train_acc"] = o => o.FinalTrainAcc,
        ["max_val_acc"] = o => o.MaxValAcc,
        ["final_val_loss"] = o => o.FinalValLoss,
        ["final_train_loss"] = o => o.FinalTrainLoss,
        ["steps_trained"] = o => o.StepsTrained,
        ["step_train_99"] = o => o.StepTrain99,
        ["step_val_99"] = o => o.StepVal99,
        ["grokking_gap"] = o => o.GrokkingGap,
        ["step_train_threshold"] = o => o.StepTrainThreshold,
        ["step_val_threshold"] = o => o.StepValThreshold,
        ["step_val_loss_below"] = o => o.StepValLossBelow,
        ["wall_time_s"] = o => o.WallTimeS,
    };

    private readonly Func<RunOutcomeSummary, string?> _read;

    private OutcomeLabel(string column, Func<RunOutcomeSummary, string?> read)
    {
        Column = column;
        _read = read;
    }

    /// <summary>The runs.parquet column the label is read from.</summary>
    public string Column { get; }

    /// <summary>Columns a label may name without a level.</summary>
    public static IReadOnlyCollection<string> CategoricalColumns => Categorical.Keys;

    /// <summary>Columns a label may name with <c>above:</c>.</summary>
    public static IReadOnlyCollection<string> NumericColumns => Numeric.Keys;

    /// <summary>The label of <paramref name="column"/>, split at <paramref name="above"/> for a numeric column; or why not.</summary>
    public static (OutcomeLabel? Label, string? Problem) For(string column, double? above)
    {
        if (Categorical.TryGetValue(column, out var categorical))
            return above is null
                ? (new OutcomeLabel(column, categorical), null)
                : (null, $"'{column}' is categorical; 'above' applies to a numeric column ({string.Join(", ", Numeric.Keys)})");
        if (Numeric.TryGetValue(column, out var numeric))
        {
            if (above is not { } level)
                return (null, $"'{column}' is numeric; give 'above: x' to split it into two labels, e.g. label: {column}, above: 0.9");
            return (new OutcomeLabel(column, o => numeric(o) is { } v && !double.IsNaN(v)
                ? (v >= level ? "above" : "below")
                : "none"), null);
        }
        return (null, $"unknown label column {Shown(column)}; accepted: {string.Join(", ", Categorical.Keys.Concat(Numeric.Keys))}");
    }

    /// <summary>The label of a finished run; null for a run that has no outcome (failed, cancelled), which no boundary counts.</summary>
    public string? Of(RunRecord record) =>
        record.Status == RunStatus.Done && record.Outcome is { } outcome ? _read(outcome) : null;

    private static string Shown(string text) => "'" + (text.Length > 60 ? text[..60] + "..." : text) + "'";

    public override string ToString() => Column;
}
