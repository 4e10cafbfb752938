using System.Text.Json;
using System.Text.Json.Serialization;

namespace Grokking.Client.Ui;

/// <summary>One swept axis as the page draws it.</summary>
/// <param name="Name">The runs.parquet column (lr, weight_decay, seed, ...).</param>
/// <param name="Log">Drawn on a log scale (a <c>log_range</c>, or a list of positive numbers with a constant ratio).</param>
/// <param name="Numeric">Numbers; otherwise a categorical axis whose runs carry the index of their label.</param>
/// <param name="Labels">The axis values as text.</param>
/// <param name="Values">The axis values as numbers (label indices on a categorical axis).</param>
public sealed record UiAxis(string Name, bool Log, bool Numeric, IReadOnlyList<string> Labels, IReadOnlyList<double> Values);

/// <summary>A sweep's counts and search state: the page's header line.</summary>
public sealed record UiSweep(
    string Name, int Total, int Queued, int Running, int Done, int Failed, int Cancelled, bool Finished, string Search,
    long StepsDone, long StepsTotal, string? Problem);

/// <summary>
/// One run as the page draws it: where it sits, how far it got and, once done, its outcome. This is the unit of a
/// pushed update: a run that changed is sent whole (a few hundred bytes).
/// </summary>
public sealed record UiRun
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("i")] public int Index { get; init; }

    /// <summary>Per axis, the run's number (or label index).</summary>
    [JsonPropertyName("x")] public required IReadOnlyList<double> Coordinates { get; init; }

    /// <summary>A boundary search's cell per axis (NaN written as null where the axis is not refined).</summary>
    [JsonPropertyName("lo")] public IReadOnlyList<double?>? CellLo { get; init; }
    [JsonPropertyName("hi")] public IReadOnlyList<double?>? CellHi { get; init; }
    [JsonPropertyName("lvl")] public int? Level { get; init; }

    /// <summary>queued, running, done, failed or cancelled.</summary>
    [JsonPropertyName("st")] public required string Status { get; init; }
    [JsonPropertyName("step")] public long Step { get; init; }
    [JsonPropertyName("steps")] public long Steps { get; init; }
    [JsonPropertyName("tacc")] public double? TrainAcc { get; init; }
    [JsonPropertyName("vacc")] public double? ValAcc { get; init; }
    [JsonPropertyName("phase")] public string? Phase { get; init; }

    /// <summary>The outcome's numbers (final_val_acc, step_val_99, ...), once the run has one.</summary>
    [JsonPropertyName("m")] public IReadOnlyDictionary<string, double?>? Metrics { get; init; }

    /// <summary>What a viewer sees change: equal keys mean nothing to send.</summary>
    [JsonIgnore]
    public string ChangeKey => $"{Status}|{Step}|{Steps}|{TrainAcc:R}|{ValAcc:R}|{Phase}|{Level}|{Metrics?.Count}";
}

/// <summary>Everything the page needs to draw a sweep from scratch.</summary>
public sealed record UiSnapshot(UiSweep Sweep, IReadOnlyList<UiAxis> Axes, IReadOnlyList<string> Metrics, IReadOnlyList<UiRun> Runs, bool HasCurves);

/// <summary>What a source read: the sweep's state now.</summary>
public sealed record SweepFrame(UiSweep Sweep, IReadOnlyList<UiAxis> Axes, IReadOnlyList<string> Metrics, IReadOnlyList<UiRun> Runs);

/// <summary>The JSON settings shared by the server's answers and its events.</summary>
internal static class UiJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);
}
