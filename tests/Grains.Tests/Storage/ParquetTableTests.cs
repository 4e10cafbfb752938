using Grokking.Grains.Storage;
using Parquet.Schema;

namespace Grokking.Grains.Tests.Storage;

public sealed class ParquetTableTests
{
    private sealed record Row(long Id, double? Score, string? Label);

    [Fact]
    public void A_column_name_used_twice_is_refused_with_the_name()
    {
        var error = Assert.Throws<ArgumentException>(() => new ParquetTable<Row>
        {
            { "id", r => r.Id },
            { "id", r => r.Score },
        });

        Assert.Contains("'id'", error.Message);
    }

    [Fact]
    public void Nullability_follows_the_getter_for_values_and_the_declaration_for_text()
    {
        var table = new ParquetTable<Row>
        {
            { "id", r => r.Id },
            { "score", r => r.Score },
            { "label", r => r.Label, Presence.Optional },
            { "name", r => r.Label ?? "", Presence.Required },
        };

        Assert.Equal([false, true, true, false], table.Columns.Select(c => c.Field.IsNullable));
        Assert.Equal([typeof(long), typeof(double)], table.Columns.Take(2).Select(c => c.Field.ClrType));
        Assert.All(table.Columns.Skip(2), c => Assert.IsType<DataField<string>>(c.Field));
        Assert.Equal(["id", "score", "label", "name"], table.Schema.DataFields.Select(f => f.Name));
    }

    [Fact]
    public async Task A_null_in_a_required_text_column_fails_the_write_naming_the_column_and_row()
    {
        var table = new ParquetTable<Row> { { "label", r => r.Label, Presence.Required } };
        using var stream = new MemoryStream();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => table.WriteAsync(stream, [new Row(1, null, "a"), new Row(2, null, null)], CancellationToken.None));

        Assert.Contains("label", error.Message);
        Assert.Contains("row 1", error.Message);
    }
}

public sealed class ParquetTableDuckDbTests : IDisposable
{
    private sealed record Row(long Id, double? Score, string? Label);

    private readonly string _folder = Directory.CreateTempSubdirectory("grokking-table-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public async Task DuckDb_reads_back_what_a_table_writes_with_nulls_and_any_row_count(int count)
    {
        var table = new ParquetTable<Row>
        {
            { "id", r => r.Id },
            { "score", r => r.Score },
            { "label", r => r.Label, Presence.Optional },
        };
        var path = Path.Combine(_folder, $"t{count}.parquet");
        var rows = Enumerable.Range(0, count).Select(i => new Row(i, i % 2 == 0 ? null : i * 0.5, i % 3 == 0 ? null : "x" + i)).ToList();
        await using (var stream = File.Create(path)) await table.WriteAsync(stream, rows, CancellationToken.None);

        var read = Grokking.TestSupport.DuckDb.Rows($"SELECT id, score, label FROM read_parquet('{path}') ORDER BY id");
        Assert.Equal(count, read.Count);
        for (int i = 0; i < count; i++)
        {
            Assert.Equal((long)i, Convert.ToInt64(read[i][0]));
            Assert.Equal(rows[i].Score, read[i][1] is DBNull ? null : (double?)read[i][1]);
            Assert.Equal(rows[i].Label, read[i][2] as string);
        }
    }
}

public sealed class ParquetTableConcurrencyTests : IDisposable
{
    private sealed record Row(long Id, double? Score, string? Label);

    private static readonly ParquetTable<Row> Shared = new()
    {
        { "id", r => r.Id },
        { "score", r => r.Score },
        { "label", r => r.Label, Presence.Optional },
    };

    private readonly string _folder = Directory.CreateTempSubdirectory("grokking-table-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>
    /// Parquet.Net sets a field's path and levels while it builds a schema over it (PropagateLevels). A table that built
    /// a schema per write shared its fields between concurrent writers; two integration runs under load then each had
    /// one unreadable segment ("Payload value bigger than allowed"). One schema per table, and fields of their own for
    /// composed tables, leave writers nothing to race on; this checks that many concurrent writes all read back.
    /// </summary>
    [Fact]
    public async Task Files_written_at_once_from_many_threads_with_one_table_and_with_composed_tables_all_read_back()
    {
        var rows = Enumerable.Range(0, 5).Select(i => new Row(i, i % 2 == 0 ? null : i, i % 3 == 0 ? null : "x")).ToList();
        await Parallel.ForAsync(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var table = i % 2 == 0 ? Shared : new ParquetTable<Row>([.. Shared]);
            await using var stream = File.Create(Path.Combine(_folder, $"f{i:D4}.parquet"));
            await table.WriteAsync(stream, rows, ct);
        });
        var counts = Grokking.TestSupport.DuckDb.Rows($"SELECT count(*), count(score), count(label) FROM read_parquet('{_folder}/*.parquet')").Single();
        Assert.Equal((2000L, 800L, 1200L), (Convert.ToInt64(counts[0]), Convert.ToInt64(counts[1]), Convert.ToInt64(counts[2])));
    }
}
