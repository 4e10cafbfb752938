using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Grokking.Client.Plots;
using Grokking.Client.Views;
using Grokking.Grains.Contracts;
using Grokking.Grains.Storage;
using Grokking.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Grokking.Client.Commands;

/// <summary>
/// `grokking run SPEC`: the embedded default. Hosts a silo in this process (no Redis, no cluster), runs the whole
/// sweep, shows progress, prints a summary. Its state lives under the output folder, so running the same command
/// after Ctrl-C or kill -9 resumes: finished runs are not retrained, others continue from their checkpoints.
/// </summary>
public static class RunCommand
{
    public static Command Create()
    {
        var spec = new Argument<string>("spec") { Description = "Sweep spec (YAML)." };
        var output = CommandOptions.Output();
        var slots = CommandOptions.WholeNumber("--slots", "Runs trained at once (default: one per CPU core).", Environment.ProcessorCount, 1,
            "runs trained at once", max: CommandOptions.MaxSlots);
        var threads = CommandOptions.WholeNumber("--torch-threads", "torch threads for the process (default: cores / slots).", 0, 0,
            "torch threads; 0 for cores / slots", max: CommandOptions.MaxThreads);
        var memory = CommandOptions.MemoryBudget();
        var command = new Command("run", "Run a whole sweep on this machine (embedded silo; no Redis needed). Run it again to resume.")
        {
            spec, output, slots, threads, memory,
        };
        command.SetAction((result, cancellation) => ExecuteAsync(result.GetValue(spec)!, result.GetValue(output)!,
            result.GetValue(slots), result.GetValue(threads), CommandOptions.LocalLimits(result.GetValue(memory), result.GetValue(slots)), cancellation));
        return command;
    }

    private static async Task<int> ExecuteAsync(string specPath, string outDir, int slots, int threads, Grains.Specs.SpecLimits? limits,
        CancellationToken cancellation)
    {
        if (limits is null || SpecInput.Read(specPath, limits) is not var (spec, submission)) return ExitCodes.BadInput;
        if (CommandOptions.RefuseOutputFolder(outDir, "--out") is { } refused) return refused;
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        // Warnings of our own reach the terminal; Orleans' start-up advice (e.g. about server GC) does not.
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.ColorBehavior = Microsoft.Extensions.Logging.Console.LoggerColorBehavior.Disabled;
        }).AddFilter((category, level) => level >= (category?.StartsWith("Orleans", StringComparison.Ordinal) == true ? LogLevel.Error : LogLevel.Warning));
        builder.AddGrokkingSilo(new SiloOptions
        {
            OutDir = outDir,
            Slots = slots,
            TorchThreads = threads > 0 ? threads : Math.Max(1, Environment.ProcessorCount / slots),
            Accelerator = null,
            SiloPort = FreePort(),
            GatewayPort = FreePort(),
        });
        using var host = builder.Build();
        await host.StartAsync(CancellationToken.None);
        var sweep = host.Services.GetRequiredService<IGrainFactory>().GetGrain<ISweepGrain>(spec.Name);
        try
        {
            var submitted = await sweep.Submit(submission);
            if (!submitted.Accepted)
            {
                Console.Error.WriteLine($"error: {submitted.Error}");
                return ExitCodes.BadInput;
            }
            AnsiConsole.MarkupLineInterpolated(
                $"{(submitted.Created ? "started" : "resuming")} sweep [bold]{spec.Name}[/]: {submitted.Runs} runs{Markup.Escape(SearchNote(spec))}, {slots} at a time, output {Path.GetFullPath(outDir)}");
            var status = await SweepProgressView.ForConsole(AnsiConsole.Console).FollowAsync(sweep.GetStatus, cancellation);
            if (!status.IsFinished)
            {
                AnsiConsole.MarkupLine("interrupted: running runs are checkpointing; run the same command again to resume.");
                return ExitCodes.Interrupted;
            }
            var runsTable = await sweep.WriteRunsTable();
            SweepSummary.Write(AnsiConsole.Console, status, await sweep.GetRuns(), runsTable);
            WritePlots(OutputLayout.SweepFolder(outDir, spec.Name));
            return status.Failed > 0 ? ExitCodes.Failure : ExitCodes.Success;
        }
        finally
        {
            await host.StopAsync(TimeSpan.FromSeconds(90));
        }
    }

    // The trained sweep is what matters; a figure that cannot be drawn (a full disk, no usable font) only warns.
    private static void WritePlots(string sweepFolder)
    {
        try
        {
            // Plain output: a path must not be wrapped at the console width when stdout is a log.
            Console.WriteLine($"plots: {SweepPlots.WriteDefaults(sweepFolder)}");
        }
        catch (Exception e)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]warning[/]: plots not written ({e.Message}); draw them later with: grokking plot {sweepFolder}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>" to start (a refine search adds runs as results arrive)" for a boundary search; empty for a grid.</summary>
    internal static string SearchNote(Grokking.Grains.Specs.SweepSpec spec) =>
        spec.Search.Strategy == "grid" ? "" : $" to start ({spec.Search.Strategy} search: more runs follow as results arrive, {spec.Search.Levels} levels)";
}
