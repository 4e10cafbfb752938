using System.CommandLine;
using DuckDB.NET.Data;
using Grokking.Client.Plots;

namespace Grokking.Client.Commands;

/// <summary>
/// `grokking plot SWEEP_DIR [--x AXIS --y AXIS --metric M] [--runs ID,...] [--line COLUMN [--reference FILE.csv ...]] [--out FOLDER]`:
/// writes a finished sweep's phase diagram, learning curves and per-layer figures as PNGs and prints their paths; with
/// `--line COLUMN [--x AXIS]` it writes only a line plot of that runs.parquet column against the axis, with any published
/// curves given by --reference drawn dashed beside it.
/// </summary>
public static class PlotCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("sweep-dir") { Description = "Finished sweep folder (OUT/sweep=NAME), or an output folder holding one sweep." };
        var x = new Option<string?>("--x") { Description = "Grid axis across the phase diagram or the --line plot (default: the grid's first axis)." };
        var y = new Option<string?>("--y") { Description = "Grid axis up the phase diagram (default: the first other axis; none for a one-axis grid)." };
        var metric = new Option<string?>("--metric")
        {
            Description = $"Phase-diagram cells: {string.Join(", ", PhaseMetric.All.Select(m => m.Name))} (default: {PhaseMetric.StepVal99.Name}). Other axes are reduced by the median (phase: the most common).",
        };
        var line = new Option<string?>("--line")
        {
            Description = "Draw only a line plot of this numeric runs.parquet column (step_val_99, grokking_gap, final_val_acc, max_val_acc, wall_time_s, ...) "
                + "against --x, one line per value of the other grid axes, to line-COLUMN-AXIS.png; the default figures are not redrawn. "
                + "A step column's NULL (never reached) is drawn in a 'never' row above the data.",
        };
        var references = new Option<string[]>("--reference")
        {
            Description = "With --line: a CSV file of a published curve to draw dashed on the same axes (may be given more than once). "
                + "Its header names the --x axis and the --line column, and optionally label (default: the file name); "
                + "an empty cell in the --line column is a step never reached.",
        };
        var runs = new Option<string?>("--runs")
        {
            Description = $"Comma-separated run ids for the learning curves and layer figures (default: up to {ExampleRuns.Count}: the largest grokking gaps and one run that never generalised).",
        };
        var output = new Option<string?>("--out") { Description = "Folder for the PNGs (default: SWEEP_DIR/plots)." };
        var command = new Command("plot", "Draw a finished sweep's phase diagram, learning curves and per-layer dynamics as PNGs, or with --line one outcome column as a line plot.")
        {
            folder, x, y, metric, line, references, runs, output,
        };
        command.SetAction(r => Execute(r.GetValue(folder)!, new PlotRequest
        {
            X = r.GetValue(x),
            Y = r.GetValue(y),
            Metric = r.GetValue(metric),
            Line = r.GetValue(line),
            References = r.GetValue(references) is { Length: > 0 } files ? files : null,
            Runs = r.GetValue(runs)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        }, r.GetValue(output)));
        return command;
    }

    private static int Execute(string folder, PlotRequest request, string? output)
    {
        try
        {
            // Options that need no sweep are checked first, so a wrong --metric is reported whatever the folder (with
            // --line, --metric is refused as unused once the sweep is open).
            if (request.Metric is not null && request.Line is null) PhaseMetric.Parse(request.Metric);
            using var sweep = SweepResults.Load(folder);
            if (sweep.UnfinishedRuns > 0)
                Console.Error.WriteLine($"note: sweep {sweep.Name} is unfinished ({sweep.UnfinishedRuns} of {sweep.Runs.Count} runs pending or running): " +
                    "the figures show what it has written so far; its runs without an outcome are empty cells.");
            var plots = SweepPlots.Plan(sweep, request);
            var target = output is null ? SweepPlots.DefaultFolder(sweep) : Path.GetFullPath(output);
            if (File.Exists(target)) throw new PlotInputException($"--out {output}: is a file; give a folder for the PNGs.");
            foreach (var path in plots.Write(target, Console.Error)) Console.WriteLine(path);
            return ExitCodes.Success;
        }
        catch (PlotInputException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        // The input was valid but a file was not: a metrics segment DuckDB cannot read, a full disk.
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DuckDBException)
        {
            Console.Error.WriteLine($"error: plots not written: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}
