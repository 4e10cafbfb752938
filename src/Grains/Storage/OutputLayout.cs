using System.Globalization;

namespace Grokking.Grains.Storage;

/// <summary>Where everything a sweep writes lives under an output folder, and the temp names files are written under.</summary>
/// <remarks>
/// <code>
/// OUT/sweep=&lt;sweep&gt;/metrics/run=&lt;run&gt;/part-&lt;first step, 10 digits&gt;.parquet   one row per step
/// OUT/sweep=&lt;sweep&gt;/layers/run=&lt;run&gt;/part-....parquet                        one row per (step, layer)
/// OUT/sweep=&lt;sweep&gt;/runs.parquet                                             one row per run
/// OUT/sweep=&lt;sweep&gt;/checkpoints/run=&lt;run&gt;.ckpt, fences/run=&lt;run&gt;.token (and .lock), plots/
/// OUT/.state/, OUT/.grokking-train.lock                                       embedded grain state, a trainer's lock
/// </code>
/// Zero-padding keeps lexical order equal to step order, so a directory listing is already sorted. A file others may
/// read while it changes (segments, runs.parquet, checkpoints, fence tokens, grain state) is first written under
/// <see cref="TempPathFor"/> beside its final name and renamed into place by <see cref="AtomicFile"/>.
/// Writers name paths from (output folder, sweep id, run id); readers, given a sweep folder that may have been
/// moved or renamed, use the <c>...In(sweepFolder)</c> forms.
/// </remarks>
public static class OutputLayout
{
    /// <summary>The extension readers glob for; temp files never end with it.</summary>
    public const string SegmentExtension = ".parquet";

    /// <summary>The largest first step a segment file name can carry (10 digits).</summary>
    public const long MaxSegmentStep = 9_999_999_999;

    /// <summary>The dataset folder of one-row-per-step segments (and the SQL view over them).</summary>
    public const string MetricsDataset = "metrics";

    /// <summary>The dataset folder of one-row-per-(step, layer) segments (and the SQL view over them).</summary>
    public const string LayersDataset = "layers";

    /// <summary>The runs table's file name inside a sweep folder.</summary>
    public const string RunsTableFileName = "runs.parquet";

    private const string SweepPartition = "sweep=";
    private const string RunPartition = "run=";
    private const string SegmentPrefix = "part-";
    private const int StepDigits = 10;
    private const string TempPrefix = ".";
    private const string TempSuffix = ".tmp";

    /// <summary>OUT/sweep=&lt;sweep&gt;: everything one sweep writes.</summary>
    public static string SweepFolder(string outDir, string sweepId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outDir);
        return Path.Combine(outDir, SweepPartition + CheckPartitionValue(sweepId, nameof(sweepId)));
    }

    /// <summary>OUT/sweep=&lt;sweep&gt;/metrics/run=&lt;run&gt;: the run's one-row-per-step segments.</summary>
    public static string MetricsFolder(string outDir, string sweepId, string runId) =>
        RunFolderIn(SweepFolder(outDir, sweepId), MetricsDataset, runId);

    /// <summary>OUT/sweep=&lt;sweep&gt;/layers/run=&lt;run&gt;: the run's one-row-per-(step, layer) segments.</summary>
    public static string LayersFolder(string outDir, string sweepId, string runId) =>
        RunFolderIn(SweepFolder(outDir, sweepId), LayersDataset, runId);

    /// <summary>OUT/sweep=&lt;sweep&gt;/runs.parquet.</summary>
    public static string RunsTable(string outDir, string sweepId) => RunsTableIn(SweepFolder(outDir, sweepId));

    /// <summary>OUT/sweep=&lt;sweep&gt;/checkpoints/run=&lt;run&gt;.ckpt: the run's latest checkpoint in the file store.</summary>
    public static string CheckpointFile(string outDir, string sweepId, string runId) =>
        Path.Combine(SweepFolder(outDir, sweepId), "checkpoints", RunPartition + CheckPartitionValue(runId, nameof(runId)) + ".ckpt");

    /// <summary>OUT/sweep=&lt;sweep&gt;/fences/run=&lt;run&gt;&lt;extension&gt;: the run's fence token (.token) or lock (.lock) file.</summary>
    public static string FenceFile(string outDir, string sweepId, string runId, string extension) =>
        Path.Combine(SweepFolder(outDir, sweepId), "fences", RunPartition + CheckPartitionValue(runId, nameof(runId)) + extension);

    /// <summary>OUT/.state: the embedded mode's grain state files.</summary>
    public static string GrainStateFolder(string outDir) => Path.Combine(outDir, ".state");

    /// <summary>OUT/.grokking-train.lock: held by the one <c>grokking train</c> process writing to the folder.</summary>
    public static string TrainLockFile(string outDir) => Path.Combine(outDir, ".grokking-train.lock");

    /// <summary>A sweep folder's default folder for figures.</summary>
    public static string PlotsFolderIn(string sweepFolder) => Path.Combine(sweepFolder, "plots");

    /// <summary>The runs table of a sweep folder.</summary>
    public static string RunsTableIn(string sweepFolder) => Path.Combine(sweepFolder, RunsTableFileName);

    /// <summary>A sweep folder's <see cref="MetricsDataset"/> or <see cref="LayersDataset"/> folder.</summary>
    public static string DatasetFolderIn(string sweepFolder, string dataset) => Path.Combine(sweepFolder, dataset);

    /// <summary>One run's folder of segments in a sweep folder's dataset.</summary>
    public static string RunFolderIn(string sweepFolder, string dataset, string runId) =>
        Path.Combine(sweepFolder, dataset, RunPartition + CheckPartitionValue(runId, nameof(runId)));

    /// <summary>The glob of every segment of a dataset folder: &lt;dataset&gt;/run=*/*.parquet.</summary>
    public static string SegmentsGlob(string datasetFolder) => Path.Combine(datasetFolder, RunPartition + "*", "*" + SegmentExtension);

    /// <summary>The glob of the segments in one run's folder: &lt;run folder&gt;/*.parquet.</summary>
    public static string RunSegmentsGlob(string runFolder) => Path.Combine(runFolder, "*" + SegmentExtension);

    /// <summary>Whether a run folder holds at least one published segment.</summary>
    public static bool HasSegments(string runFolder) =>
        Directory.Exists(runFolder) && Directory.EnumerateFiles(runFolder, "*" + SegmentExtension).Any();

    /// <summary>Whether a dataset folder holds at least one published segment of any run.</summary>
    public static bool DatasetHasSegments(string datasetFolder) =>
        Directory.Exists(datasetFolder) && Directory.EnumerateDirectories(datasetFolder, RunPartition + "*").Any(HasSegments);

    /// <summary>
    /// The sweeps at <paramref name="folder"/>: the folder itself when it holds a runs table, else its sweep=NAME
    /// subfolders that hold one, in ordinal order. Empty when there is none.
    /// </summary>
    public static IReadOnlyList<string> SweepsAt(string folder)
    {
        if (File.Exists(RunsTableIn(folder))) return [folder];
        if (!Directory.Exists(folder)) return [];
        return Directory.GetDirectories(folder, SweepPartition + "*")
            .Where(d => File.Exists(RunsTableIn(d)))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The sweep id a sweep folder's name carries (sweep=NAME gives NAME); the bare name for any other folder.</summary>
    public static string SweepIdOf(string sweepFolder) => PartitionValue(sweepFolder, SweepPartition);

    /// <summary>The run id a run folder's name carries (run=ID gives ID); the bare name for any other folder.</summary>
    public static string RunIdOf(string runFolder) => PartitionValue(runFolder, RunPartition);

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

    /// <summary>A fresh temp path beside <paramref name="finalPath"/>, in the same folder so the rename into place is atomic.</summary>
    public static string TempPathFor(string finalPath) =>
        Path.Combine(Path.GetDirectoryName(finalPath)!, TempFileName(Path.GetFileName(finalPath)));

    /// <summary>A fresh temp name for a file to be renamed to <paramref name="finalFileName"/>: .&lt;name&gt;.&lt;guid&gt;.tmp.</summary>
    /// <remarks>
    /// Leading dot and .tmp ending: hidden from `*.parquet` globs and from Spark/Hadoop-style listers alike; a fresh
    /// guid each time, so two writers of the same file never share a temp file.
    /// </remarks>
    public static string TempFileName(string finalFileName)
    {
        ArgumentException.ThrowIfNullOrEmpty(finalFileName);
        return TempPrefix + finalFileName + "." + Guid.NewGuid().ToString("N") + TempSuffix;
    }

    /// <summary>Whether a bare file name is a temp file (an in-flight or crashed write).</summary>
    public static bool IsTempFileName(string fileName) =>
        fileName.StartsWith(TempPrefix, StringComparison.Ordinal) && fileName.EndsWith(TempSuffix, StringComparison.Ordinal);

    private static string PartitionValue(string folder, string partition)
    {
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(folder));
        return name.StartsWith(partition, StringComparison.Ordinal) ? name[partition.Length..] : name;
    }

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
