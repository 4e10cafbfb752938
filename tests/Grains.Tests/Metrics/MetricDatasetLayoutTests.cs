using Grokking.Grains.Metrics;

namespace Grokking.Grains.Tests.Metrics;

public sealed class MetricDatasetLayoutTests
{
    [Fact]
    public void Folders_follow_the_hive_layout()
    {
        Assert.Equal(Path.Combine("out", "sweep=s1"), MetricDatasetLayout.SweepFolder("out", "s1"));
        Assert.Equal(Path.Combine("out", "sweep=s1", "metrics", "run=r9"), MetricDatasetLayout.MetricsFolder("out", "s1", "r9"));
        Assert.Equal(Path.Combine("out", "sweep=s1", "layers", "run=r9"), MetricDatasetLayout.LayersFolder("out", "s1", "r9"));
    }

    [Theory]
    [InlineData(0L, "part-0000000000.parquet")]
    [InlineData(1L, "part-0000000001.parquet")]
    [InlineData(123_456L, "part-0000123456.parquet")]
    [InlineData(9_999_999_999L, "part-9999999999.parquet")]
    public void Segment_file_name_carries_the_first_step_zero_padded_and_parses_back(long firstStep, string name)
    {
        Assert.Equal(name, MetricDatasetLayout.SegmentFileName(firstStep));
        Assert.True(MetricDatasetLayout.TryParseSegmentFileName(name, out var parsed));
        Assert.Equal(firstStep, parsed);
    }

    [Theory]
    [InlineData("part-1.parquet")]
    [InlineData("part-00000000001.parquet")]
    [InlineData("part-000000000a.parquet")]
    [InlineData("part-+000000001.parquet")]
    [InlineData("part-0000000001.parquet.tmp")]
    [InlineData("runs.parquet")]
    public void Other_file_names_are_not_segments(string name)
    {
        Assert.False(MetricDatasetLayout.TryParseSegmentFileName(name, out _));
    }

    [Fact]
    public void Temp_names_are_recognised_as_temp_and_never_as_segments()
    {
        var temp = MetricDatasetLayout.TempSegmentFileName(42);

        Assert.True(MetricDatasetLayout.IsTempSegmentFileName(temp));
        Assert.False(MetricDatasetLayout.TryParseSegmentFileName(temp, out _));
        Assert.False(temp.EndsWith(".parquet", StringComparison.Ordinal));
        Assert.False(MetricDatasetLayout.IsTempSegmentFileName(MetricDatasetLayout.SegmentFileName(42)));
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(10_000_000_000L)]
    public void Steps_that_do_not_fit_ten_digits_are_refused(long firstStep)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MetricDatasetLayout.SegmentFileName(firstStep));
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a=b")]
    [InlineData("..")]
    [InlineData("")]
    public void Ids_that_would_break_the_layout_are_refused_naming_the_field(string runId)
    {
        var error = Assert.Throws<ArgumentException>(() => MetricDatasetLayout.MetricsFolder("out", "s1", runId));
        Assert.Equal("runId", error.ParamName);
    }
}
