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
