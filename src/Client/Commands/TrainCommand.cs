using System.CommandLine;
using Grokking.Client.Views;
using Grokking.Grains.Checkpoints;
using Grokking.Grains.Fencing;
using Grokking.Grains.Metrics;
using Grokking.Grains.Runs;
using Grokking.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Spectre.Console;

namespace Grokking.Client.Commands;

/// <summary>`grokking train SPEC [--run N] [--out DIR]`: trains one grid point on this machine.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var spec = new Argument<string>("spec") { Description = "Sweep spec (YAML)." };
        var run = CommandOptions.WholeNumber("--run", "Grid point to train (0-based index in grid order).", 0, 0, "a grid point index, 0 for the first");
        var output = new Option<string>("--out") { Description = "Output folder for Parquet and checkpoints.", DefaultValueFactory = _ => "runs" };
        var threads = CommandOptions.WholeNumber("--torch-threads",
            "torch threads (default: torch's own choice). Results are bit-identical only between equal thread counts.", 0, 0,
            "torch threads; 0 for torch's own choice", max: CommandOptions.MaxThreads);
        var memory = CommandOptions.MemoryBudget();
        var command = new Command("train", "Train one grid point of a sweep spec on this machine and write its metrics as Parquet.")
        {
            spec, run, output, threads, memory,
        };
        command.SetAction((result, cancellation) =>
            ExecuteAsync(result.GetValue(spec)!, result.GetValue(run), result.GetValue(output)!, result.GetValue(threads),
                CommandOptions.LocalLimits(result.GetValue(memory), slots: 1), cancellation));
        return command;
    }

    private static async Task<int> ExecuteAsync(string specPath, int index, string outDir, int threads, Grains.Specs.SpecLimits? limits,
        CancellationToken cancellation)
    {
        // Everything is checked before torch is loaded or the output folder is made.
        if (limits is null || SpecInput.Parse(specPath, limits) is not { } sweep) return ExitCodes.BadInput;
        if (index < 0 || index >= sweep.Size)
        {
            Console.Error.WriteLine($"error: --run {index}: the grid of '{sweep.Name}' has {sweep.Size} runs; accepted: 0..{sweep.Size - 1}.");
            return ExitCodes.BadInput;
        }
        if (CommandOptions.RefuseOutputFolder(outDir, "--out") is { } refused) return refused;
        // Held until the process ends: one trainer per output folder, so every attempt's fence token is its own.
        using var held = OutputFolderLock.TryTake(outDir);
        if (held is null)
        {
            Console.Error.WriteLine($"error: --out {outDir}: another grokking train process holds this output folder "
                + $"({OutputFolderLock.PathOf(outDir)}); wait for it to finish or give another --out.");
            return ExitCodes.Failure;
        }
        Grokking.Training.TorchRuntime.Initialise(threads);
        var runSpec = sweep.Expand()[index];
        // Storage trouble (a full disk, a flaky network folder) is retried for a while, with a warning on stderr each
        // time, then the run fails with its error instead of waiting forever in the foreground.
        using var logs = LoggerFactory.Create(b =>
        {
            b.AddSimpleConsole(o => o.SingleLine = true).AddFilter((_, level) => level >= LogLevel.Warning);
            b.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        });
        var executor = new RunExecutor(new FileCheckpointStore(outDir), new MetricSegmentWriter(), outDir,
            logs.CreateLogger("grokking.train"), giveUpAfter: TimeSpan.FromMinutes(2));
        var view = RunProgressView.For(runSpec, AnsiConsole.Console);
        view.Header(sweep, outDir);
        try
        {
            // Training runs on a dedicated thread, off the thread that draws the progress view.
            var outcome = await view.ShowWhile(progress => executor.ExecuteAsync(runSpec, progress, cancellation));
            view.Summary(outcome, OutputLayout.MetricsFolder(outDir, sweep.Name, runSpec.RunId));
            return cancellation.IsCancellationRequested ? ExitCodes.Interrupted : ExitCodes.Success;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException or FencedOutException)
        {
            Console.Error.WriteLine($"error: run {runSpec.RunId} failed: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}
