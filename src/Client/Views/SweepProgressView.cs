using System.Globalization;
using Grokking.Grains.Contracts;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Grokking.Client.Views;

/// <summary>
/// Follows a sweep until it finishes: a live view (overall bar with ETA, runs by state, running runs, failures)
/// on a terminal; plain status lines at a steady rate when the output is a log or a pipe.
/// </summary>
public sealed class SweepProgressView(IAnsiConsole console, TimeSpan plainInterval)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    /// <summary>A view for the current console: live on an interactive terminal, plain lines every 5 s otherwise.</summary>
    public static SweepProgressView ForConsole(IAnsiConsole console) => new(console, TimeSpan.FromSeconds(5));

    public static bool IsInteractive(IAnsiConsole console) =>
        console.Profile.Capabilities.Interactive && !Console.IsOutputRedirected;

    /// <summary>Polls <paramref name="status"/> until the sweep is finished or <paramref name="cancellation"/> fires; returns the last status.</summary>
    public Task<SweepStatus> FollowAsync(Func<Task<SweepStatus>> status, CancellationToken cancellation) =>
        IsInteractive(console) ? FollowLiveAsync(status, cancellation) : FollowPlainAsync(status, cancellation);

    private async Task<SweepStatus> FollowPlainAsync(Func<Task<SweepStatus>> status, CancellationToken cancellation)
    {
        var last = DateTime.MinValue;
        string? lastCounts = null;
        Baseline? started = null;
        while (true)
        {
            var current = await status();
            started ??= Baseline.Of(current);
            var counts = Counts(current) + Searching(current);
            if (current.IsFinished || counts != lastCounts || DateTime.UtcNow - last >= plainInterval)
            {
                console.WriteLine($"{current.SweepId}: {Percent(current)} {Counts(current)}{Eta(current, started)}{Searching(current)}");
                foreach (var run in current.Active.Take(8))
                    console.WriteLine($"  {run.RunId} step {run.Step:N0}/{run.TotalSteps:N0} train {Acc(run.TrainAcc)} val {Acc(run.ValAcc)} on {ShortSilo(run.Silo)}");
                last = DateTime.UtcNow;
                lastCounts = counts;
            }
            if (current.IsFinished || cancellation.IsCancellationRequested) return current;
            await Delay(cancellation);
        }
    }

    private async Task<SweepStatus> FollowLiveAsync(Func<Task<SweepStatus>> status, CancellationToken cancellation)
    {
        var current = await status();
        var started = Baseline.Of(current);
        await console.Live(Render(current, started)).AutoClear(false).StartAsync(async context =>
        {
            while (!current.IsFinished && !cancellation.IsCancellationRequested)
            {
                await Delay(cancellation);
                current = await status();
                context.UpdateTarget(Render(current, started));
                context.Refresh();
            }
        });
        return current;
    }

    private static IRenderable Render(SweepStatus s, Baseline started)
    {
        double fraction = s.StepsTotal == 0 ? 0 : (double)s.StepsDone / s.StepsTotal;
        int width = 40, filled = (int)Math.Round(fraction * width);
        var bar = new Markup($"[green]{new string('━', filled)}[/][grey]{new string('━', width - filled)}[/] {fraction:P0}{Markup.Escape(Eta(s, started))}");
        var counts = new Markup(
            $"[bold]{Markup.Escape(s.SweepId)}[/]  runs {s.Total}: [green]{s.Done} done[/], [yellow]{s.Running} running[/], {s.Pending} pending, [red]{s.Failed} failed[/], {s.Cancelled} cancelled   slots {s.Capacity}");
        var rows = new List<IRenderable> { counts, bar };
        if (Searching(s) is { Length: > 0 } search) rows.Add(new Markup($"[blue]{Markup.Escape(search.Trim())}[/]"));
        if (s.StoppedBy is { } stopped) rows.Add(new Markup($"[yellow]stopped: {Markup.Escape(stopped)}[/]"));
        if (s.Active.Count > 0)
        {
            var table = new Table().Border(TableBorder.Simple).AddColumns("run", "step", "train acc", "val acc", "silo");
            foreach (var run in s.Active.Take(12))
                table.AddRow(run.RunId, $"{run.Step:N0}/{run.TotalSteps:N0}", Acc(run.TrainAcc), Acc(run.ValAcc), Markup.Escape(ShortSilo(run.Silo)));
            if (s.Active.Count > 12) table.Caption($"and {s.Active.Count - 12} more running");
            rows.Add(table);
        }
        foreach (var failure in s.Failures.Take(5))
            rows.Add(new Markup($"[red]failed[/] {failure.RunId} after {failure.Attempts} attempts: {Markup.Escape(failure.Error ?? "")}"));
        return new Rows(rows);
    }

    private static string Counts(SweepStatus s) =>
        $"{s.Done}/{s.Total} done, {s.Running} running, {s.Pending} pending, {s.Failed} failed, {s.Cancelled} cancelled";

    private static string Percent(SweepStatus s) =>
        (s.StepsTotal == 0 ? 0 : (double)s.StepsDone / s.StepsTotal).ToString("P0", CultureInfo.InvariantCulture);

    // While a search may add runs, the ETA covers the runs known so far, and says so.
    private static string Eta(SweepStatus s, Baseline started) =>
        Remaining(s.StepsDone, s.StepsTotal, started.StepsDone, DateTime.UtcNow - started.At) is { } remaining
            ? $"  ETA {(int)remaining.TotalHours}:{remaining:mm\\:ss}{(s.SearchComplete ? "" : $" for the {s.Total} runs so far")}"
            : "";

    /// <summary>The search's own line ("  refining: level 2 of 4, 37 runs so far, budget 120"); empty for a grid.</summary>
    private static string Searching(SweepStatus s) =>
        s.Search.Length == 0 || s.Search.StartsWith("grid", StringComparison.Ordinal) ? "" : $"  ({s.Search})";

    /// <summary>
    /// Time left at the rate measured since this view started: steps trained since then over time since then. A view
    /// that attaches to a sweep already half done (watch, resume) thus does not count the earlier half as its own work.
    /// Null until there is a rate to go by.
    /// </summary>
    public static TimeSpan? Remaining(long stepsDone, long stepsTotal, long stepsAtStart, TimeSpan elapsed)
    {
        long progressed = stepsDone - stepsAtStart;
        if (stepsTotal <= 0 || stepsDone >= stepsTotal || progressed <= 0 || elapsed < TimeSpan.FromSeconds(3)
            || progressed * 100 < stepsTotal) // under 1% of the sweep seen: too little to extrapolate from
            return null;
        return TimeSpan.FromSeconds(elapsed.TotalSeconds * (stepsTotal - stepsDone) / progressed);
    }

    /// <summary>When the view started and how far the sweep was then.</summary>
    private sealed record Baseline(DateTime At, long StepsDone)
    {
        public static Baseline Of(SweepStatus s) => new(DateTime.UtcNow, s.StepsDone);
    }

    private static string Acc(double value) => double.IsNaN(value) ? "-" : value.ToString("0.000", CultureInfo.InvariantCulture);

    private static string ShortSilo(string? silo) => silo is null ? "-" : silo.Split('@')[0];

    private static async Task Delay(CancellationToken cancellation)
    {
        try
        {
            await Task.Delay(Poll, cancellation);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
