using DuckDB.NET.Data;
using Grokking.Grains.Storage;

namespace Grokking.Client.Query;

/// <summary>An in-memory DuckDB with views <c>metrics</c>, <c>layers</c> and <c>runs</c> over one sweep's Parquet dataset.</summary>
/// <remarks>
/// A view whose files do not exist yet (a sweep that has not reached its first segment, or a spec with
/// <c>rank_every: 0</c>, which writes no layers) is left undefined rather than failing the whole command;
/// <see cref="MissingViews"/> says which, so a query that fails on one can be told why.
/// </remarks>
public sealed class SweepDatabase : IDisposable
{
    /// <summary>The views every sweep folder can have, in the order they are listed to users.</summary>
    public static readonly IReadOnlyList<string> ViewNames = [OutputLayout.MetricsDataset, OutputLayout.LayersDataset, RunsView];

    private const string RunsView = "runs";

    private readonly DuckDBConnection _connection = new("Data Source=:memory:");
    private readonly Dictionary<string, string> _missing = [];

    private SweepDatabase(string sweepFolder)
    {
        SweepFolder = sweepFolder;
        _connection.Open();
        try
        {
            DefineView(RunsView, $"read_parquet('{Literal(OutputLayout.RunsTableIn(sweepFolder))}')");
            foreach (var dataset in new[] { OutputLayout.MetricsDataset, OutputLayout.LayersDataset })
            {
                var folder = OutputLayout.DatasetFolderIn(sweepFolder, dataset);
                if (OutputLayout.DatasetHasSegments(folder))
                    DefineView(dataset, $"read_parquet('{Literal(OutputLayout.SegmentsGlob(folder))}', hive_partitioning = true)");
                else
                    _missing[dataset] = folder;
            }
        }
        catch (DuckDBException e)
        {
            _connection.Dispose();
            throw new SweepDatasetException($"cannot read the dataset under {sweepFolder}: {DuckDbMessage.OneLine(e)}");
        }
    }

    /// <summary>The <c>sweep=NAME</c> folder the views read.</summary>
    public string SweepFolder { get; }

    /// <summary>Views left undefined because no file exists for them yet, each with the folder that would hold it.</summary>
    public IReadOnlyDictionary<string, string> MissingViews => _missing;

    /// <summary>Opens the sweep at <paramref name="folder"/>: a <c>sweep=NAME</c> folder, or an output folder holding exactly one sweep.</summary>
    /// <exception cref="SweepDatasetException">No such folder, no sweep there (or several), or its Parquet files cannot be read.</exception>
    public static SweepDatabase Open(string folder)
    {
        var full = Path.GetFullPath(folder);
        if (!Directory.Exists(full))
            throw new SweepDatasetException($"{full} does not exist; give a sweep folder such as runs/sweep=quick, or the output folder holding it.");
        var sweeps = OutputLayout.SweepsAt(full);
        if (sweeps.Count == 0)
            throw new SweepDatasetException(
                $"{OutputLayout.RunsTableIn(full)} does not exist, nor does any sweep=NAME/{OutputLayout.RunsTableFileName} under {full}; give a sweep folder " +
                "such as runs/sweep=quick (written by `grokking run` or a cluster sweep), or the output folder holding one sweep.");
        if (sweeps.Count > 1)
            throw new SweepDatasetException(
                $"{full} holds {sweeps.Count} sweeps ({string.Join(", ", sweeps.Select(Path.GetFileName))}); give one of them, e.g. {sweeps[0]}.");
        return new SweepDatabase(sweeps[0]);
    }

    /// <summary>Starts <paramref name="sql"/>; its rows are read one at a time, so a result larger than memory can be streamed out.</summary>
    /// <exception cref="DuckDBException">The query is invalid or fails while it runs.</exception>
    public QueryResult Query(string sql)
    {
        var command = _connection.CreateCommand();
        try
        {
            command.CommandText = sql;
            // Streaming: rows are produced as they are read rather than materialised before the first one.
            command.UseStreamingMode = true;
            return new QueryResult(command, command.ExecuteReader());
        }
        catch
        {
            command.Dispose();
            throw;
        }
    }

    public void Dispose() => _connection.Dispose();

    private void DefineView(string view, string source)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"CREATE VIEW {view} AS SELECT * FROM {source}";
        command.ExecuteNonQuery();
    }

    // Paths go into a SQL string literal; a quote in a folder name must not end it.
    private static string Literal(string path) => path.Replace("'", "''", StringComparison.Ordinal);
}
