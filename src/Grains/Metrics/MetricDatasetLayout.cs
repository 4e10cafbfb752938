using System.Globalization;

namespace Grokking.Grains.Metrics;

/// <summary>Where the hive-partitioned metric datasets live under an output folder, and how segment files are named.</summary>
/// <remarks>
/// OUT/sweep=&lt;sweep&gt;/metrics/run=&lt;run&gt;/part-&lt;first step, 10 digits&gt;.parquet and the same under layers/.
/// Zero-padding keeps lexical order equal to step order, so a directory listing is already sorted.
/// </remarks>
public static class MetricDatasetLayout
{
    /// <summary>The extension readers glob for; temp files never end with it.</summary>
    public const string SegmentExtension = ".parquet";

    /// <summary>The largest first step a segment file name can carry (10 digits).</summary>
    public const long MaxSegmentStep = 9_999_999_999;

    private const string SegmentPrefix = "part-";
    private const int StepDigits = 10;
    private const string TempPrefix = ".";
    private const string TempSuffix = ".tmp";

    /// <summary>OUT/sweep=&lt;sweep&gt;: everything one sweep writes.</summary>
    public static string SweepFolder(string outDir, string sweepId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outDir);
        return Path.Combine(outDir, "sweep=" + CheckPartitionValue(sweepId, nameof(sweepId)));
    }

    /// <summary>OUT/sweep=&lt;sweep&gt;/metrics/run=&lt;run&gt;: the run's one-row-per-step segments.</summary>
    public static string MetricsFolder(string outDir, string sweepId, string runId) =>
        Path.Combine(SweepFolder(outDir, sweepId), "metrics", "run=" + CheckPartitionValue(runId, nameof(runId)));

    /// <summary>OUT/sweep=&lt;sweep&gt;/layers/run=&lt;run&gt;: the run's one-row-per-(step, layer) segments.</summary>
    public static string LayersFolder(string outDir, string sweepId, string runId) =>
        Path.Combine(SweepFolder(outDir, sweepId), "layers", "run=" + CheckPartitionValue(runId, nameof(runId)));

    /// <summary>The file name of the segment whose first step is <paramref name="firstStep"/>, e.g. part-0000000001.parquet.</summary>
    public static string SegmentFileName(long firstStep)
    {
        if (firstStep is < 0 or > MaxSegmentStep)
            throw new ArgumentOutOfRangeException(nameof(firstStep), firstStep,
                $"A segment's first step must be between 0 and {MaxSegmentStep} to fit the {StepDigits}-digit file name.");
        return SegmentPrefix + firstStep.ToString("D10", CultureInfo.InvariantCulture) + SegmentExtension;
    }

    /// <summary>The first step encoded in a segment file name (a bare name, not a path); false for any other file.</summary>
    public static bool TryParseSegmentFileName(string fileName, out long firstStep)
    {
        firstStep = 0;
        if (fileName.Length != SegmentPrefix.Length + StepDigits + SegmentExtension.Length
            || !fileName.StartsWith(SegmentPrefix, StringComparison.Ordinal)
            || !fileName.EndsWith(SegmentExtension, StringComparison.Ordinal))
            return false;
        var digits = fileName.AsSpan(SegmentPrefix.Length, StepDigits);
        foreach (var c in digits)
            if (!char.IsAsciiDigit(c)) return false;
        firstStep = long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        return true;
    }

    /// <summary>A fresh temp name for writing a segment before it is renamed into place.</summary>
    /// <remarks>Leading dot and .tmp ending: hidden from `*.parquet` globs and from Spark/Hadoop-style listers alike.</remarks>
    public static string TempSegmentFileName(long firstStep) =>
        TempPrefix + SegmentFileName(firstStep) + "." + Guid.NewGuid().ToString("N") + TempSuffix;

    /// <summary>Whether a bare file name is a segment temp file (an in-flight or crashed write).</summary>
    public static bool IsTempSegmentFileName(string fileName) =>
        fileName.StartsWith(TempPrefix + SegmentPrefix, StringComparison.Ordinal)
        && fileName.EndsWith(TempSuffix, StringComparison.Ordinal);

    // The ids become directory names and hive partition values: a separator or '=' would silently
    // change the layout, so refuse them here rather than produce a dataset tools misread.
    private static string CheckPartitionValue(string value, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, name);
        if (value is "." or ".."
            || value.IndexOfAny(['/', '\\', '=', '\0']) >= 0
            || value.Any(char.IsControl))
            throw new ArgumentException(
                $"{name} '{value}' cannot be a hive partition value: it must not be '.' or '..' nor contain '/', '\\', '=' or control characters.",
                name);
        return value;
    }
}
