using Grokking.Client.Ui;

namespace Grokking.Ui.Tests;

/// <summary>The feed's contract: one event per change, and a resume point for every event it still holds.</summary>
public sealed class SweepFeedTests
{
    private static List<UiRun> Runs(int count, string status = "queued") => Enumerable.Range(0, count)
        .Select(i => new UiRun { Id = $"r{i:x16}", Index = i, Coordinates = [1e-3, i], Status = status, Steps = 10 }).ToList();

    [Fact]
    public void A_reading_appends_one_event_per_run_that_changed_and_one_when_the_counts_change()
    {
        var feed = new SweepFeed("s", hasCurves: false);
        var (_, _, before) = feed.Snapshot(); // a page that connected before the first reading: an empty sweep
        var runs = Runs(3);
        // The first reading is the state itself, not an event per run: a page starts from it as a snapshot.
        Assert.Equal(0, feed.Apply(ScriptedSource.Frame("s", runs), 0));
        Assert.Equal(3, feed.Snapshot().Snapshot.Runs.Count);
        Assert.Null(feed.After(before)); // that page gets the snapshot, under the new epoch
        Assert.Equal(0, feed.Apply(ScriptedSource.Frame("s", runs), 1)); // nothing changed, nothing sent

        runs[1] = runs[1] with { Status = "running", Step = 4, ValAcc = 0.5 };
        var (_, seq, id) = feed.Snapshot();
        Assert.Equal(2, feed.Apply(ScriptedSource.Frame("s", runs), 2)); // the run, and the counts (one more running)
        var events = feed.After(id)!;
        Assert.Equal(["run", "sweep"], events.Select(e => e.Kind));
        Assert.Equal([seq + 1, seq + 2], events.Select(e => e.Seq));
        Assert.Equal($"id: {events[0].Id}\nevent: run\ndata: {events[0].Json}\n\n", System.Text.Encoding.UTF8.GetString(events[0].Frame));
        Assert.Contains("\"id\":\"r0000000000000001\"", events[0].Json, StringComparison.Ordinal);
        Assert.Contains("\"vacc\":0.5", events[0].Json, StringComparison.Ordinal);

        runs[1] = runs[1] with { Step = 5 }; // progress alone is a change too: the page shows the live step (and steps done)
        Assert.Equal(2, feed.Apply(ScriptedSource.Frame("s", runs), 3));
    }

    [Fact]
    public void A_page_resumes_after_any_event_the_feed_holds_and_starts_over_otherwise()
    {
        var feed = new SweepFeed("s", hasCurves: false);
        var runs = Runs(2);
        feed.Apply(ScriptedSource.Frame("s", runs), 0);
        var (_, _, id) = feed.Snapshot();
        for (int step = 1; step <= 5; step++)
        {
            runs[0] = runs[0] with { Status = "running", Step = step };
            feed.Apply(ScriptedSource.Frame("s", runs), step);
        }
        var missed = feed.After(id)!;
        Assert.Equal(5 * 2, missed.Count); // per reading: the run's step, and the sweep's steps done
        Assert.Equal(missed.Select(e => e.Id), feed.After(id)!.Select(e => e.Id)); // asking again gives the same
        Assert.Equal(missed.Skip(3).Select(e => e.Id), feed.After(missed[2].Id)!.Select(e => e.Id));
        Assert.Equal(Enumerable.Range(1, 10).Select(k => missed[0].Seq - 1 + k), missed.Select(e => e.Seq));
        Assert.Empty(feed.After(missed[^1].Id)!);

        Assert.Null(feed.After(null));                              // a first connection: snapshot
        Assert.Null(feed.After("0123456789ab-3"));                  // another server's id
        Assert.Null(feed.After(feed.Epoch + "-999999"));            // an id this feed never gave
        Assert.Null(feed.After(feed.Epoch + "-x"));                 // not an id
    }

    [Fact]
    public void A_page_further_behind_than_the_log_keeps_starts_from_a_snapshot()
    {
        var feed = new SweepFeed("s", hasCurves: false);
        var runs = Runs(1);
        feed.Apply(ScriptedSource.Frame("s", runs), 0);
        var (_, _, old) = feed.Snapshot();
        for (int step = 1; step <= SweepFeed.Capacity + 10; step++)
        {
            runs[0] = runs[0] with { Status = "running", Step = step };
            feed.Apply(ScriptedSource.Frame("s", runs), step);
        }
        Assert.Null(feed.After(old));
        var (snapshot, seq, id) = feed.Snapshot();
        Assert.Equal(SweepFeed.Capacity + 10, snapshot.Runs[0].Step);
        Assert.Equal(feed.Epoch + "-" + seq, id);
        Assert.Empty(feed.After(id)!);
    }

    [Fact]
    public void Other_axes_under_the_same_name_start_a_new_epoch()
    {
        var feed = new SweepFeed("s", hasCurves: false);
        feed.Apply(ScriptedSource.Frame("s", Runs(2)), 0);
        var (_, _, id) = feed.Snapshot();
        var epoch = feed.Epoch;
        var other = ScriptedSource.Frame("s", Runs(2)) with { Axes = [new UiAxis("depth", false, true, ["1", "2"], [1, 2])] };
        feed.Apply(other, 1);
        Assert.NotEqual(epoch, feed.Epoch);
        Assert.Null(feed.After(id));
        Assert.Equal("depth", feed.Snapshot().Snapshot.Axes.Single().Name);
    }
}

/// <summary>An unwatched sweep costs its source nothing: the feed stops reading it until a page asks again.</summary>
public sealed class SweepFeedIdleTests
{
    private sealed class CountingSource : Grokking.Client.Ui.ISweepSource
    {
        private readonly ScriptedSource _inner = new("s");
        public int Reads;
        public TimeSpan PollInterval => TimeSpan.FromMilliseconds(10);
        public Task<IReadOnlyList<string>> SweepsAsync(CancellationToken cancellation) => _inner.SweepsAsync(cancellation);
        public Task<Grokking.Client.Ui.SweepFrame> ReadAsync(string sweep, CancellationToken cancellation)
        {
            Interlocked.Increment(ref Reads);
            return _inner.ReadAsync(sweep, cancellation);
        }
        public string? SweepFolder(string sweep) => null;
    }

    [Fact]
    public async Task The_feed_reads_while_pages_ask_and_stops_when_none_has_for_a_while()
    {
        var source = new CountingSource();
        var feed = new Grokking.Client.Ui.SweepFeed("s", hasCurves: false, idleAfter: TimeSpan.FromSeconds(1));
        using var stop = new CancellationTokenSource();
        var follow = Task.Run(() => feed.FollowAsync(source, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, stop.Token));
        await WaitForReadsAsync(source, feed, 3); // watched (a page asks all along): it reads every interval
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // nobody asked for longer than a second: idle from here
        var idle = source.Reads;
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.True(source.Reads - idle <= 1, $"{source.Reads - idle} reads in a second while nobody watched");
        await WaitForReadsAsync(source, feed, idle + 3); // a page asks again
        await stop.CancelAsync();
        await follow;
    }

    private static async Task WaitForReadsAsync(CountingSource source, Grokking.Client.Ui.SweepFeed feed, int reads)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (source.Reads < reads)
        {
            feed.Touch();
            Assert.True(DateTime.UtcNow < deadline, $"only {source.Reads} reads in 10 s, expected {reads}");
            await Task.Delay(10);
        }
    }
}
