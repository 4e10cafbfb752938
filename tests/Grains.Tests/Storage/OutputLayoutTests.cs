using Grokking.Grains.Storage;

namespace Grokking.Grains.Tests.Storage;

public sealed class OutputLayoutTests
{
    [Fact]
    public void Folders_follow_the_hive_layout()
    {
        Assert.Equal(Path.Combine("out", "sweep=s1"), OutputLayout.SweepFolder("out", "s1"));
        Assert.Equal(Path.Combine("out", "sweep=s1", "metrics", "run=r9"), OutputLayout.MetricsFolder("out", "s1", "r9"));
        Assert.Equal(Path.Combine("out", "sweep=s1", "layers", "run=r9"), OutputLayout.LayersFolder("out", "s1", "r9"));
        Assert.Equal(Path.Combine("out", "sweep=s1", "runs.parquet"), OutputLayout.RunsTable("out", "s1"));
    }

    [Fact]
    public void Readers_given_a_sweep_folder_find_the_same_files_writers_name()
    {
        var sweep = OutputLayout.SweepFolder("out", "s1");

        Assert.Equal(OutputLayout.RunsTable("out", "s1"), OutputLayout.RunsTableIn(sweep));
        Assert.Equal(OutputLayout.MetricsFolder("out", "s1", "r9"), OutputLayout.RunFolderIn(sweep, OutputLayout.MetricsDataset, "r9"));
        Assert.Equal(OutputLayout.LayersFolder("out", "s1", "r9"), OutputLayout.RunFolderIn(sweep, OutputLayout.LayersDataset, "r9"));
        Assert.Equal(Path.Combine("out", "sweep=s1", "metrics", "run=*", "*.parquet"),
            OutputLayout.SegmentsGlob(OutputLayout.DatasetFolderIn(sweep, OutputLayout.MetricsDataset)));
        Assert.Equal("s1", OutputLayout.SweepIdOf(sweep));
    }

    [Fact]
    public void A_folder_holding_sweeps_lists_those_with_a_runs_table_and_a_sweep_folder_lists_itself()
    {
        var outDir = Path.Combine(Path.GetTempPath(), "grokking-layout-" + Guid.NewGuid().ToString("N"));
        try
        {
            foreach (var sweep in new[] { "b", "a" })
            {
                Directory.CreateDirectory(OutputLayout.SweepFolder(outDir, sweep));
                File.WriteAllText(OutputLayout.RunsTable(outDir, sweep), "");
            }
            Directory.CreateDirectory(OutputLayout.SweepFolder(outDir, "not-written-yet"));

            Assert.Equal([OutputLayout.SweepFolder(outDir, "a"), OutputLayout.SweepFolder(outDir, "b")], OutputLayout.SweepsAt(outDir));
            Assert.Equal([OutputLayout.SweepFolder(outDir, "a")], OutputLayout.SweepsAt(OutputLayout.SweepFolder(outDir, "a")));
            Assert.Empty(OutputLayout.SweepsAt(Path.Combine(outDir, "missing")));
        }
        finally
        {
            Directory.Delete(outDir, recursive: true);
        }
    }

    [Theory]
    [InlineData(0L, "part-0000000000.parquet")]
    [InlineData(1L, "part-0000000001.parquet")]
    [InlineData(123_456L, "part-0000123456.parquet")]
    [InlineData(9_999_999_999L, "part-9999999999.parquet")]
    public void Segment_file_name_carries_the_first_step_zero_padded_and_parses_back(long firstStep, string name)
    {
        Assert.Equal(name, OutputLayout.SegmentFileName(firstStep));
        Assert.True(OutputLayout.TryParseSegmentFileName(name, out var parsed));
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
        Assert.False(OutputLayout.TryParseSegmentFileName(name, out _));
    }

    [Fact]
    public void Temp_names_are_recognised_as_temp_and_never_as_segments()
    {
        var temp = OutputLayout.TempFileName(OutputLayout.SegmentFileName(42));

        Assert.True(OutputLayout.IsTempFileName(temp));
        Assert.False(OutputLayout.TryParseSegmentFileName(temp, out _));
        Assert.False(temp.EndsWith(".parquet", StringComparison.Ordinal));
        Assert.False(OutputLayout.IsTempFileName(OutputLayout.SegmentFileName(42)));
        Assert.False(OutputLayout.IsTempFileName(OutputLayout.RunsTableFileName));
    }

    [Fact]
    public void A_temp_path_lies_beside_its_final_file_and_is_fresh_each_time()
    {
        var final = OutputLayout.RunsTable("out", "s1");

        var first = OutputLayout.TempPathFor(final);

        Assert.Equal(Path.GetDirectoryName(final), Path.GetDirectoryName(first));
        Assert.True(OutputLayout.IsTempFileName(Path.GetFileName(first)));
        Assert.StartsWith(".runs.parquet.", Path.GetFileName(first), StringComparison.Ordinal);
        Assert.NotEqual(first, OutputLayout.TempPathFor(final));
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(10_000_000_000L)]
    public void Steps_that_do_not_fit_ten_digits_are_refused(long firstStep)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => OutputLayout.SegmentFileName(firstStep));
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a=b")]
    [InlineData("..")]
    [InlineData("")]
    public void Ids_that_would_break_the_layout_are_refused_naming_the_field(string runId)
    {
        var error = Assert.Throws<ArgumentException>(() => OutputLayout.MetricsFolder("out", "s1", runId));
        Assert.Equal("runId", error.ParamName);
    }
}
