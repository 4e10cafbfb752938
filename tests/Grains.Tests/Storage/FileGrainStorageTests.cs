using Grokking.Grains.Contracts;
using Grokking.Grains.Storage;
using Grokking.Grains.Tests.Metrics;
using Orleans.Storage;

namespace Grokking.Grains.Tests.Storage;

public sealed class FileGrainStorageTests : IDisposable
{
    private const string StateName = "plan";
    private static readonly GrainId Grain = GrainId.Create("planner", "sweep-a");

    private readonly TempOutputFolder _root = new();
    private readonly FileGrainStorage _storage;

    public FileGrainStorageTests()
    {
        _storage = new FileGrainStorage(_root.Path);
    }

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task Written_state_reads_back_with_nullable_enum_and_nested_record_fields()
    {
        var written = new GrainState<PlanState> { State = SamplePlan() };
        await _storage.WriteStateAsync(StateName, Grain, written);

        var read = new GrainState<PlanState>();
        await _storage.ReadStateAsync(StateName, Grain, read);

        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal(written.State with { Tags = read.State!.Tags }, read.State);
        Assert.Equal(written.State.Tags, read.State.Tags);
        Assert.Equal(7, read.State.Counter);
    }

    [Fact]
    public async Task A_null_nullable_field_stays_null()
    {
        var written = new GrainState<PlanState> { State = SamplePlan() with { Budget = null, Detail = null } };
        await _storage.WriteStateAsync(StateName, Grain, written);

        var read = await _storage.ReadAsync<PlanState>(StateName, Grain);

        Assert.NotNull(read);
        Assert.Null(read.Budget);
        Assert.Null(read.Detail);
    }

    [Fact]
    public async Task A_run_record_with_nan_accuracies_and_an_outcome_round_trips()
    {
        var record = new RunRecord
        {
            RunId = "r0123456789abcdef",
            Index = 3,
            Status = RunStatus.Done,
            Attempts = 2,
            Silo = "silo-1",
            TrainAcc = double.NaN,
            Outcome = new RunOutcomeSummary
            {
                StepsTrained = 3000, StepTrain99 = 120, Phase = "grokking", MaxValAcc = 0.99, StoppedEarly = true, StopReason = "phase_decided",
            },
            Fence = 5,
            Limits = new RunLimits { MaxFailures = 2 },
            LostSilos = ["10.0.0.7:11111@1", "10.0.0.8:11111@2"],
            KeepFinalCheckpoint = true,
        };
        await _storage.WriteStateAsync("run", Grain, new GrainState<RunRecord> { State = record });

        // Field by field: the list of lost silos is an array, which records compare by reference.
        Assert.Equivalent(record, await _storage.ReadAsync<RunRecord>("run", Grain), strict: true);
    }

    [Fact]
    public async Task Enums_are_stored_by_name()
    {
        await _storage.WriteStateAsync(StateName, Grain, new GrainState<PlanState> { State = SamplePlan() });

        var text = await File.ReadAllTextAsync(_storage.PathOf(StateName, Grain));

        Assert.Contains("\"Careful\"", text);
    }

    [Fact]
    public async Task A_write_with_a_stale_etag_throws_and_keeps_the_newer_state()
    {
        await _storage.WriteStateAsync(StateName, Grain, new GrainState<PlanState> { State = SamplePlan() });
        var first = new GrainState<PlanState>();
        var second = new GrainState<PlanState>();
        await _storage.ReadStateAsync(StateName, Grain, first);
        await _storage.ReadStateAsync(StateName, Grain, second);

        first.State = first.State! with { Name = "first writer" };
        await _storage.WriteStateAsync(StateName, Grain, first);
        second.State = second.State! with { Name = "second writer" };

        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync(StateName, Grain, second));
        Assert.Equal("first writer", (await _storage.ReadAsync<PlanState>(StateName, Grain))!.Name);
    }

    [Fact]
    public async Task Creating_a_state_that_another_writer_already_created_throws()
    {
        var early = new GrainState<PlanState>();
        await _storage.ReadStateAsync(StateName, Grain, early);
        await _storage.WriteStateAsync(StateName, Grain, new GrainState<PlanState> { State = SamplePlan() });

        early.State = SamplePlan() with { Name = "late" };

        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync(StateName, Grain, early));
    }

    [Fact]
    public async Task Each_write_returns_the_etag_the_next_write_must_present()
    {
        var state = new GrainState<PlanState> { State = SamplePlan() };
        await _storage.WriteStateAsync(StateName, Grain, state);
        var firstETag = state.ETag;

        state.State = state.State with { Counter = 8 };
        await _storage.WriteStateAsync(StateName, Grain, state);

        Assert.NotNull(firstETag);
        Assert.NotEqual(firstETag, state.ETag);
        var read = new GrainState<PlanState>();
        await _storage.ReadStateAsync(StateName, Grain, read);
        Assert.Equal(state.ETag, read.ETag);
    }

    [Fact]
    public async Task Reading_a_grain_without_a_file_keeps_the_default_state_and_reports_no_record()
    {
        var fresh = new PlanState();
        var state = new GrainState<PlanState> { State = fresh };

        await _storage.ReadStateAsync(StateName, Grain, state);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Same(fresh, state.State);
        Assert.Null(await _storage.ReadAsync<PlanState>(StateName, Grain));
    }

    [Fact]
    public async Task Clearing_deletes_the_file_and_a_later_write_starts_afresh()
    {
        var state = new GrainState<PlanState> { State = SamplePlan() };
        await _storage.WriteStateAsync(StateName, Grain, state);

        await _storage.ClearStateAsync(StateName, Grain, state);

        Assert.False(File.Exists(_storage.PathOf(StateName, Grain)));
        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Null(await _storage.ReadAsync<PlanState>(StateName, Grain));
        await _storage.WriteStateAsync(StateName, Grain, state);
        Assert.NotNull(await _storage.ReadAsync<PlanState>(StateName, Grain));
    }

    [Fact]
    public async Task Clearing_with_a_stale_etag_throws_and_keeps_the_file()
    {
        var stale = new GrainState<PlanState> { State = SamplePlan() };
        await _storage.WriteStateAsync(StateName, Grain, stale);
        var current = new GrainState<PlanState>();
        await _storage.ReadStateAsync(StateName, Grain, current);
        current.State = current.State! with { Counter = 99 };
        await _storage.WriteStateAsync(StateName, Grain, current);

        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.ClearStateAsync(StateName, Grain, stale));
        Assert.True(File.Exists(_storage.PathOf(StateName, Grain)));
    }

    [Fact]
    public async Task A_temp_file_left_by_a_crashed_write_is_ignored()
    {
        await _storage.WriteStateAsync(StateName, Grain, new GrainState<PlanState> { State = SamplePlan() });
        var path = _storage.PathOf(StateName, Grain);
        var folder = Path.GetDirectoryName(path)!;
        await File.WriteAllTextAsync(
            Path.Combine(folder, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp"), "{\"format\":1,\"gra");
        var other = GrainId.Create("planner", "never-written");
        await File.WriteAllTextAsync(
            Path.Combine(folder, "." + Path.GetFileName(_storage.PathOf(StateName, other)) + ".0.tmp"), "{");

        Assert.Equal(SamplePlan().Name, (await _storage.ReadAsync<PlanState>(StateName, Grain))!.Name);
        Assert.Null(await _storage.ReadAsync<PlanState>(StateName, other));
        var state = new GrainState<PlanState>();
        await _storage.ReadStateAsync(StateName, Grain, state);
        await _storage.WriteStateAsync(StateName, Grain, state);
    }

    [Fact]
    public async Task A_successful_write_leaves_no_temp_file()
    {
        await _storage.WriteStateAsync(StateName, Grain, new GrainState<PlanState> { State = SamplePlan() });

        var files = Directory.GetFiles(Path.GetDirectoryName(_storage.PathOf(StateName, Grain))!);

        Assert.Equal([_storage.PathOf(StateName, Grain)], files);
    }

    [Theory]
    [InlineData("sweep=a/b:c")]
    [InlineData("../../escape")]
    [InlineData("..")]
    [InlineData("a%2Fb")]
    [InlineData("ünïcode key with spaces")]
    public async Task Keys_with_separators_map_to_one_safe_file_in_the_grain_type_folder_and_round_trip(string key)
    {
        var grain = GrainId.Create("planner", key);
        var state = new GrainState<PlanState> { State = SamplePlan() with { Name = key } };

        await _storage.WriteStateAsync(StateName, grain, state);

        var path = _storage.PathOf(StateName, grain);
        var fileName = Path.GetFileName(path);
        Assert.Equal(Path.Combine(_root.Path, StateName, "planner"), Path.GetDirectoryName(path));
        Assert.DoesNotContain('/', fileName);
        Assert.DoesNotContain(':', fileName);
        Assert.DoesNotContain('=', fileName);
        Assert.False(fileName.StartsWith('.'), fileName);
        Assert.True(File.Exists(path));
        Assert.Equal(key, (await _storage.ReadAsync<PlanState>(StateName, grain))!.Name);
    }

    [Fact]
    public async Task Keys_that_differ_only_in_separators_get_different_files()
    {
        string[] keys = ["a/b", "a:b", "a=b", "a%2Fb", "a%3Ab", "a_b", "a%b", "%", "A/B"];

        foreach (var key in keys)
            await _storage.WriteStateAsync(StateName, GrainId.Create("planner", key),
                new GrainState<PlanState> { State = SamplePlan() with { Name = key } });

        Assert.Equal(keys.Length, keys.Select(k => _storage.PathOf(StateName, GrainId.Create("planner", k))).Distinct().Count());
        foreach (var key in keys)
            Assert.Equal(key, (await _storage.ReadAsync<PlanState>(StateName, GrainId.Create("planner", key)))!.Name);
    }

    [Fact]
    public async Task A_very_long_key_gets_a_short_file_name_and_round_trips()
    {
        var key = new string('k', 400) + "/" + new string('z', 400);
        var grain = GrainId.Create("planner", key);

        await _storage.WriteStateAsync(StateName, grain, new GrainState<PlanState> { State = SamplePlan() with { Name = key } });

        Assert.True(Path.GetFileName(_storage.PathOf(StateName, grain)).Length <= 220);
        Assert.Equal(key, (await _storage.ReadAsync<PlanState>(StateName, grain))!.Name);
        Assert.Null(await _storage.ReadAsync<PlanState>(StateName, GrainId.Create("planner", key + "!")));
    }

    [Fact]
    public async Task Another_storage_over_the_same_folder_reads_what_was_written()
    {
        await _storage.WriteStateAsync(StateName, Grain, new GrainState<PlanState> { State = SamplePlan() });

        // As after a restart of the embedded silo.
        var reopened = new FileGrainStorage(_root.Path);

        Assert.Equal(SamplePlan().Name, (await reopened.ReadAsync<PlanState>(StateName, Grain))!.Name);
    }

    [Fact]
    public async Task A_state_file_that_was_edited_is_refused_with_a_message_naming_it()
    {
        await _storage.WriteStateAsync(StateName, Grain, new GrainState<PlanState> { State = SamplePlan() });
        var path = _storage.PathOf(StateName, Grain);
        await File.WriteAllTextAsync(path, (await File.ReadAllTextAsync(path)).Replace("\"Counter\": 7", "\"Counter\": 8"));

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => _storage.ReadAsync<PlanState>(StateName, Grain));

        Assert.Contains(path, error.Message);
    }

    [Fact]
    public async Task Different_state_names_and_grain_types_keep_separate_files()
    {
        await _storage.WriteStateAsync("plan", GrainId.Create("planner", "k"), new GrainState<PlanState> { State = SamplePlan() with { Name = "1" } });
        await _storage.WriteStateAsync("other", GrainId.Create("planner", "k"), new GrainState<PlanState> { State = SamplePlan() with { Name = "2" } });
        await _storage.WriteStateAsync("plan", GrainId.Create("runner", "k"), new GrainState<PlanState> { State = SamplePlan() with { Name = "3" } });

        Assert.Equal("1", (await _storage.ReadAsync<PlanState>("plan", GrainId.Create("planner", "k")))!.Name);
        Assert.Equal("2", (await _storage.ReadAsync<PlanState>("other", GrainId.Create("planner", "k")))!.Name);
        Assert.Equal("3", (await _storage.ReadAsync<PlanState>("plan", GrainId.Create("runner", "k")))!.Name);
    }

    private static PlanState SamplePlan() => new()
    {
        Name = "grid over lr",
        Budget = 3000,
        Mode = PlanMode.Careful,
        Detail = new PlanDetail(0.25, "x+y", PlanMode.Fast),
        Tags = ["a", "b"],
        Counter = 7,
    };
}
