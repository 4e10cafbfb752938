using System.Globalization;
using Grokking.Grains.Contracts;
using Spectre.Console;

namespace Grokking.Client.Views;

/// <summary>The end-of-sweep report: counts, and one line per run for grids small enough to read.</summary>
public static class SweepSummary
{
    private const int MaxRunRows = 30;

    public static void Write(IAnsiConsole console, SweepStatus status, IReadOnlyList<RunRecord> runs, string? runsTable)
    {
        console.MarkupLineInterpolated(
            $"[bold]{status.SweepId}[/]: {status.Done} done, {status.Failed} failed, {status.Cancelled} cancelled, {status.Pending + status.Running} unfinished of {status.Total} ({status.Attempts} attempts)");
        if (status.Search.Length > 0 && !status.Search.StartsWith("grid", StringComparison.Ordinal))
            console.MarkupLineInterpolated($"search: {status.Search}");
        if (status.StoppedBy is { } stopped) console.MarkupLineInterpolated($"[yellow]stopped early[/]: {stopped}");
        if (runs.Count <= MaxRunRows)
        {
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumns("#", "run", "status", "attempts", "step 99% train", "step 99% val", "phase", "val acc");
            foreach (var run in runs)
            {
                var o = run.Outcome;
                table.AddRow(run.Index.ToString(CultureInfo.InvariantCulture), run.RunId, run.Status.ToString().ToLowerInvariant(),
                    run.Attempts.ToString(CultureInfo.InvariantCulture), Step(o?.StepTrain99), Step(o?.StepVal99), o?.Phase ?? "-",
                    o is null ? "-" : o.FinalValAcc.ToString("0.000", CultureInfo.InvariantCulture));
            }
            console.Write(table);
        }
        foreach (var failed in runs.Where(r => r.Status == RunStatus.Failed))
            console.MarkupLineInterpolated($"[red]failed[/] {failed.RunId}: {failed.Error}");
        if (runsTable is not null) console.MarkupLineInterpolated($"runs: {runsTable}");
    }

    private static string Step(long? step) => step?.ToString("N0", CultureInfo.InvariantCulture) ?? "-";
}
