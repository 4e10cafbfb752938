using Grokking.Grains.Contracts;
using Grokking.Grains.Engine;
using Grokking.Grains.Metrics;
using Grokking.Grains.Specs;
using Grokking.Grains.Storage;
using Grokking.Grains.Sweeps;
using Grokking.Grains.Tests.Metrics;
using Parquet.Schema;

namespace Grokking.Grains.Tests.Datasets;

/// <summary>
/// Each table is written and read back with DuckDB, and every column the file holds must be the one its single
/// definition (<see cref="MetricTables"/>, <see cref="RunsTable"/>) declares: same name, order, type and nullability.
/// </summary>
public sealed class TableDefinitionTests : IDisposable
{
    private const string Sweep = "defs";
    private const string Run = "r0123456789abcdef";

    private const string Spec = """
        name: defs
        task: { kind: modular, operation: "x+y", modulus: 23 }
        model: { kind: mlp, depth: 2, width: 64 }
        grid:
          lr: [1e-3, 3e-3]
          depth: [1, 2]
          operation: ["x+y", "x-y"]
          ffn_bias: [false, true]
        """;

    private readonly TempOutputFolder _out = new();

    public void Dispose() => _out.Dispose();

    [Fact]
    public async Task A_metrics_segment_holds_exactly_the_defined_columns()
    {
        await new MetricSegmentWriter().WriteAsync(_out.Path, Sweep, Run, 1, SampleMetrics.Steps(1, 30), SampleMetrics.Layers(1, 30), CancellationToken.None);

        var file = Path.Combine(OutputLayout.MetricsFolder(_out.Path, Sweep, Run), OutputLayout.SegmentFileName(1));
        Assert.Equal(Expected(MetricTables.Metrics.Columns.Select(c => c.Field)), Actual(file));
    }

    [Fact]
    public async Task A_layers_segment_holds_exactly_the_defined_columns()
    {
        await new MetricSegmentWriter().WriteAsync(_out.Path, Sweep, Run, 1, SampleMetrics.Steps(1, 30), SampleMetrics.Layers(1, 30), CancellationToken.None);

        var file = Path.Combine(OutputLayout.LayersFolder(_out.Path, Sweep, Run), OutputLayout.SegmentFileName(1));
        Assert.Equal(Expected(MetricTables.Layers.Columns.Select(c => c.Field)), Actual(file));
    }

    [Fact]
    public async Task The_runs_table_holds_the_defined_columns_around_the_grid_axes_then_the_settings()
    {
        var sweep = SpecParser.Parse(Spec);
        var lineage = RunLineage.Of(new EngineOptions(), sweep, Spec);

        await new RunsTableWriter().WriteAsync(_out.Path, sweep, sweep.Expand(), new Dictionary<string, RunRecord>(), lineage, CancellationToken.None);

        var actual = Actual(OutputLayout.RunsTable(_out.Path, Sweep));
        var bookkeeping = Expected(RunsTable.Bookkeeping.Columns.Select(c => c.Field));
        var outcome = Expected(RunsTable.Outcome.Columns.Select(c => c.Field));
        var axes = new[]
        {
            new Column("lr", "DOUBLE", "DOUBLE", "REQUIRED"), new Column("depth", "BIGINT", "INT64", "REQUIRED"),
            new Column("operation", "VARCHAR", "BYTE_ARRAY", "REQUIRED"), new Column("ffn_bias", "BOOLEAN", "BOOLEAN", "REQUIRED"),
        };
        Assert.Equal([.. bookkeeping, .. axes, .. outcome], actual.Take(bookkeeping.Count + axes.Length + outcome.Count));
        // The rest are the resolved settings: nullable, and none repeats a column before them.
        var settings = actual.Skip(bookkeeping.Count + axes.Length + outcome.Count).ToList();
        Assert.NotEmpty(settings);
        Assert.All(settings, c => Assert.Equal("OPTIONAL", c.Repetition));
        Assert.Equal(actual.Count, actual.Select(c => c.Name).Distinct().Count());
    }

    [Fact]
    public async Task Every_run_carries_its_lineage()
    {
        var text = Spec.Replace("grid:", "resources: { accelerator: gpu }\ngrid:", StringComparison.Ordinal);
        var sweep = SpecParser.Parse(text);
        var records = new Dictionary<string, RunRecord>();

        await new RunsTableWriter().WriteAsync(
            _out.Path, sweep, sweep.Expand(), records, RunLineage.Of(new EngineOptions { Accelerator = "cpu" }, sweep, text), CancellationToken.None);

        var rows = DuckDb.Rows(
            $"SELECT DISTINCT tool_version, torchsharp_version, libtorch_version, device, spec_sha256 FROM {DuckDb.Runs(_out.Path, Sweep)}");
        var row = Assert.Single(rows);
        Assert.All(row, value => Assert.False(string.IsNullOrWhiteSpace(value as string), $"a lineage column is empty: {string.Join(", ", row)}"));
        var (tool, torchSharp, libTorch, device, specHash) = ((string)row[0], (string)row[1], (string)row[2], (string)row[3], (string)row[4]);
        Assert.Equal(RunLineage.Of(new EngineOptions(), sweep, text).ToolVersion, tool);
        Assert.StartsWith(typeof(TorchSharp.torch).Assembly.GetName().Version!.ToString(3), torchSharp, StringComparison.Ordinal);
        Assert.Matches(@"^\d+\.\d+\.\d+(\+(cpu|cu\d+))?$", libTorch);
        // The sweep's runs go to gpu silos only, whichever silo writes the table.
        Assert.Equal("cuda", device);
        Assert.Equal(Sha256Hex(text), specHash);
    }

    [Theory]
    [InlineData("cpu", "cpu")]
    [InlineData("gpu", "cuda")]
    public void A_sweep_that_may_run_anywhere_records_the_device_of_the_silo(string accelerator, string device)
    {
        var sweep = SpecParser.Parse(Spec.Replace("grid:", "resources: { accelerator: any }\ngrid:", StringComparison.Ordinal));

        Assert.Equal(device, RunLineage.Of(new EngineOptions { Accelerator = accelerator }, sweep, Spec).Device);
    }

    [Fact]
    public void The_spec_hash_is_sha256_of_the_text_as_submitted()
    {
        var sweep = SpecParser.Parse(Spec);

        // sha256sum of the three bytes "abc" (FIPS 180-2's example).
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", RunLineage.Of(new EngineOptions(), sweep, "abc").SpecSha256);
        Assert.NotEqual(RunLineage.Of(new EngineOptions(), sweep, Spec).SpecSha256, RunLineage.Of(new EngineOptions(), sweep, Spec + " ").SpecSha256);
    }

    private sealed record Column(string Name, string DuckDbType, string PhysicalType, string Repetition);

    // What a file written from these fields must hold. A type this map lacks fails here: give it a row and a reader check.
    private static List<Column> Expected(IEnumerable<DataField> fields) => fields.Select(f =>
    {
        var (duckDb, physical) = f.ClrType switch
        {
            var t when t == typeof(long) => ("BIGINT", "INT64"),
            var t when t == typeof(int) => ("INTEGER", "INT32"),
            var t when t == typeof(double) => ("DOUBLE", "DOUBLE"),
            var t when t == typeof(bool) => ("BOOLEAN", "BOOLEAN"),
            _ when f is DataField<string> => ("VARCHAR", "BYTE_ARRAY"),
            var t => throw new NotSupportedException($"Column {f.Name} has type {t.Name}, which this test does not map to DuckDB yet."),
        };
        return new Column(f.Name, duckDb, physical, f.IsNullable ? "OPTIONAL" : "REQUIRED");
    }).ToList();

    // What the file holds, as DuckDB reads it: its own columns only (no hive columns from the folder names).
    private static List<Column> Actual(string file)
    {
        var types = DuckDb.Describe($"read_parquet({DuckDb.Literal(file)}, hive_partitioning = false)");
        var stored = DuckDb.ParquetColumns(file);
        Assert.Equal(types.Select(t => t.Name), stored.Select(s => s.Name));
        return types.Zip(stored, (t, s) => new Column(t.Name, t.Type, s.PhysicalType, s.Repetition)).ToList();
    }

    private static string Sha256Hex(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
}
