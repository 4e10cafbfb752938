using System.CommandLine;
using Grokking.Client.Views;
using Grokking.Grains.Checkpoints;
using Grokking.Grains.Metrics;
using Grokking.Grains.Runs;
using Grokking.Grains.Specs;
using Spectre.Console;

namespace Grokking.Client.Commands;

/// <summary>`grokking train SPEC [--run N] [--out DIR]`: trains one grid point on this machine.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var spec = new Argument<string>("spec") { Description = "Sweep spec (YAML)." };
        var run = new Option<int>("--run") { Description = "Grid point to train (0-based index in grid order).", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Output folder for Parquet and checkpoints.", DefaultValueFactory = _ => "runs" };
        var threads = new Option<int>("--torch-threads")
        {
            Description = "torch threads (default: torch's own choice). Results are bit-identical only between equal thread counts.",
            DefaultValueFactory = _ => 0,
        };
        var command = new Command("train", "Train one grid point of a sweep spec on this machine and write its metrics as Parquet.")
        {
            spec, run, output, threads,
        };
        command.SetAction((result, cancellation) =>
        {
            Grokking.Training.TorchRuntime.Initialise(result.GetValue(threads));
            return ExecuteAsync(result.GetValue(spec)!, result.GetValue(run), result.GetValue(output)!, cancellation);
        });
        return command;
    }

    private static async Task<int> ExecuteAsync(string specPath, int index, string outDir, CancellationToken cancellation)
    {
        SweepSpec sweep;
        try
        {
            sweep = SpecParser.ParseFile(specPath);
        }
        catch (SpecException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        if (index < 0 || index >= sweep.Size)
        {
            Console.Error.WriteLine($"error: --run {index}: the grid of '{sweep.Name}' has {sweep.Size} runs; accepted: 0..{sweep.Size - 1}.");
            return ExitCodes.BadInput;
        }
        var runSpec = sweep.Expand()[index];
        var executor = new RunExecutor(new FileCheckpointStore(outDir), new MetricSegmentWriter(), outDir);
        var view = RunProgressView.For(runSpec, AnsiConsole.Console);
        view.Header(sweep, outDir);
        try
        {
            // Training runs on a dedicated thread, off the thread that draws the progress view.
            var outcome = await view.ShowWhile(progress => executor.ExecuteAsync(runSpec, progress, cancellation));
            view.Summary(outcome, MetricDatasetLayout.MetricsFolder(outDir, sweep.Name, runSpec.RunId));
            return cancellation.IsCancellationRequested ? ExitCodes.Interrupted : ExitCodes.Success;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException)
        {
            Console.Error.WriteLine($"error: run {runSpec.RunId} failed: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}
