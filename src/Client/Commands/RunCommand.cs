using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Grokking.Client.Plots;
using Grokking.Client.Ui;
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
        var ui = new Option<bool>("--ui") { Description = "Also serve the live web view of the sweep (see grokking ui); it stays up after the sweep until Ctrl+C." };
        var (uiPort, bind, token) = UiCommand.Options("--ui-port");
        var command = new Command("run", "Run a whole sweep on this machine (embedded silo; no Redis needed). Run it again to resume.")
        {
            spec, output, slots, threads, memory, ui, uiPort, bind, token,
        };
        command.Validators.Add(result =>
        {
            // Settings of a view nobody asked for would be silently ignored; say so instead.
            var given = new Option[] { uiPort, bind, token }.Where(o => result.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList();
            if (given.Count > 0 && result.GetResult(ui) is null)
                result.AddError($"{string.Join(" and ", given)} set{(given.Count == 1 ? "s" : "")} up the live view; add --ui to serve it.");
        });
        command.SetAction((result, cancellation) => ExecuteAsync(result.GetValue(spec)!, result.GetValue(output)!,
            result.GetValue(slots), result.GetValue(threads), CommandOptions.LocalLimits(result.GetValue(memory), result.GetValue(slots)),
            result.GetValue(ui) ? new UiServerOptions(result.GetValue(bind)!, result.GetValue(uiPort), result.GetValue(token)) : null,
            result.GetResult(uiPort) is { Implicit: false }, cancellation));
        return command;
    }

    private static async Task<int> ExecuteAsync(string specPath, string outDir, int slots, int threads, Grains.Specs.SpecLimits? limits,
        UiServerOptions? ui, bool uiPortGiven, CancellationToken cancellation)
    {
        if (ui is not null && (UiCommand.BindProblem(ui.Bind) ?? UiCommand.TokenProblem(ui.Token)) is { } bindProblem)
        {
            Console.Error.WriteLine($"error: {bindProblem}");
            return ExitCodes.BadInput;
        }
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
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var sweep = grains.GetGrain<ISweepGrain>(spec.Name);
        UiServer? view = null;
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
            if (ui is not null)
            {
                view = await UiCommand.StartAsync(new GrainSweepSource(grains, [spec.Name], Path.GetFullPath(outDir)), ui, uiPortGiven);
                if (view is null) return ExitCodes.Failure;
                // Plain output: the address must stay one unbroken line to click or copy.
                Console.WriteLine($"live view: {view.Url}");
            }
            var status = await SweepProgressView.ForConsole(AnsiConsole.Console).FollowAsync(sweep.GetStatus, cancellation);
            if (!status.IsFinished)
            {
                AnsiConsole.MarkupLine("interrupted: running runs are checkpointing; run the same command again to resume.");
                return ExitCodes.Interrupted;
            }
            var runsTable = await sweep.WriteRunsTable();
            SweepSummary.Write(AnsiConsole.Console, status, await sweep.GetRuns(), runsTable);
            WritePlots(OutputLayout.SweepFolder(outDir, spec.Name));
            if (view is not null)
            {
                Console.WriteLine($"live view stays up at {view.Url} until Ctrl+C");
                await UiCommand.UntilCancelledAsync(cancellation);
            }
            return status.Failed > 0 ? ExitCodes.Failure : ExitCodes.Success;
        }
        finally
        {
            if (view is not null) await view.DisposeAsync();
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
