using Grokking.Grains.Storage;

namespace Grokking.Integration.Tests;

/// <summary>A sweep's Parquet output, read the way an analyst would: DuckDB over the hive-partitioned folders.</summary>
public sealed class SweepDataset(string outDir, string sweep)
{
    public string Metrics => DuckDb.Metrics(outDir, sweep);

    public string Runs => DuckDb.Runs(outDir, sweep);

    public List<object[]> Query(string sql)
    {
        try
        {
            return DuckDb.Rows(sql);
        }
        catch (DuckDB.NET.Data.DuckDBException e)
        {
            // Name the files DuckDB cannot read, with their sizes, and keep copies to look at.
            var bad = new List<string>();
            foreach (var file in Directory.EnumerateFiles(outDir, "*.parquet", SearchOption.AllDirectories))
            {
                try
                {
                    DuckDb.Rows($"SELECT count(*) FROM read_parquet({DuckDb.Literal(file)})");
                }
                catch (DuckDB.NET.Data.DuckDBException)
                {
                    var keep = Path.Combine(Path.GetTempPath(), "grokking-unreadable-" + Guid.NewGuid().ToString("N")[..8] + ".parquet");
                    File.Copy(file, keep);
                    bad.Add($"{file} ({new FileInfo(file).Length} bytes, copy at {keep})");
                }
            }
            throw new InvalidOperationException($"DuckDB failed: {e.Message}; unreadable files: {(bad.Count == 0 ? "none" : string.Join("; ", bad))}", e);
        }
    }

    /// <summary>Per run: rows, distinct steps, first and last step.</summary>
    public Dictionary<string, (long Rows, long Distinct, long First, long Last)> StepCoverage() =>
        Query($"SELECT run_id, count(*), count(DISTINCT step), min(step), max(step) FROM {Metrics} GROUP BY run_id")
            .ToDictionary(r => (string)r[0], r => (Convert.ToInt64(r[1]), Convert.ToInt64(r[2]), Convert.ToInt64(r[3]), Convert.ToInt64(r[4])));

    /// <summary>Every metric of one run except wall time, in step order, doubles as exact bit patterns.</summary>
    public List<string> MetricRows(string runId) =>
        Query($"SELECT * EXCLUDE (wall_time_s, sweep, run) FROM {Metrics} WHERE run_id = '{runId}' ORDER BY step")
            .Select(r => string.Join("|", r.Skip(1).Select(v => v is double d ? BitConverter.DoubleToInt64Bits(d).ToString() : v?.ToString())))
            .ToList();

    /// <summary>run_id, run_index, status and attempts of every run, from runs.parquet.</summary>
    public List<(string RunId, int Index, string Status, int Attempts)> RunTable() =>
        Query($"SELECT run_id, run_index, status, attempts FROM {Runs} ORDER BY run_index")
            .Select(r => ((string)r[0], Convert.ToInt32(r[1]), (string)r[2], Convert.ToInt32(r[3])))
            .ToList();

    /// <summary>Number of metric segment files a run has written so far (no DuckDB: the run may be writing).</summary>
    public static int Segments(string outDir, string sweep, string runId)
    {
        var folder = OutputLayout.MetricsFolder(outDir, sweep, runId);
        return Directory.Exists(folder) ? Directory.GetFiles(folder, "*" + OutputLayout.SegmentExtension).Length : 0;
    }

    /// <summary>The first step of a run's latest durable metric segment (part-&lt;first step&gt;), 0 when it has none.</summary>
    public static long LatestSegmentStart(string outDir, string sweep, string runId)
    {
        var folder = OutputLayout.MetricsFolder(outDir, sweep, runId);
        if (!Directory.Exists(folder)) return 0;
        return Directory.GetFiles(folder)
            .Select(f => OutputLayout.TryParseSegmentFileName(Path.GetFileName(f), out var step) ? step : 0)
            .DefaultIfEmpty(0).Max();
    }

    /// <summary>Run ids with at least one durable segment.</summary>
    public static IReadOnlyList<string> RunsWithSegments(string outDir, string sweep)
    {
        var folder = OutputLayout.DatasetFolderIn(OutputLayout.SweepFolder(outDir, sweep), OutputLayout.MetricsDataset);
        return Directory.Exists(folder)
            ? Directory.GetDirectories(folder).Select(OutputLayout.RunIdOf).Where(r => Segments(outDir, sweep, r) > 0).ToList()
            : [];
    }
}
