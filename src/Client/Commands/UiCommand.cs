using System.CommandLine;
using System.Net;
using Grokking.Client.Ui;

namespace Grokking.Client.Commands;

/// <summary>
/// `grokking ui [FOLDER] [--redis CONN --sweep NAME]`: the live web view. From an output folder it shows every sweep
/// in it (live as its runs.parquet is rewritten); through Redis it follows a cluster's sweeps run by run. It listens on
/// 127.0.0.1 unless --bind says otherwise, and then only with a token.
/// </summary>
public static class UiCommand
{
    public static Command Create()
    {
        var folder = new Argument<string?>("folder")
        {
            Description = "An output folder (or one sweep=NAME folder) to show; with --redis, the cluster's shared output folder, for curves.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var (redis, clusterId) = (CommandOptions.Redis(), CommandOptions.ClusterId());
        var sweeps = new Option<string[]>("--sweep") { Description = "With --redis: a sweep to show (repeat for more).", AllowMultipleArgumentsPerToken = false };
        var (port, bind, token) = Options();
        var command = new Command("ui", "Serve the live web view of sweeps: phase diagrams filling in as runs finish, curves per run.")
        {
            folder, redis, clusterId, sweeps, port, bind, token,
        };
        command.SetAction((r, cancellation) => ExecuteAsync(r.GetValue(folder), CommandOptions.RedisValue(r, redis), r.GetValue(clusterId)!,
            r.GetValue(sweeps) ?? [], r.GetValue(port), r.GetValue(bind)!, r.GetValue(token), r.GetResult(port) is { Implicit: false }, cancellation));
        return command;
    }

    /// <summary>--ui-port, --bind and --token: shared with `grokking run --ui`.</summary>
    internal static (Option<int> Port, Option<string> Bind, Option<string?> Token) Options(string portName = "--port") => (
        CommandOptions.WholeNumber(portName, $"Port of the live view (default {UiServerOptions.DefaultPort}, or a free one if that is taken; 0 for any free one).",
            UiServerOptions.DefaultPort, 0, "a TCP port; 0 for any free one", max: 65535),
        new Option<string>("--bind")
        {
            Description = "Address the live view listens on. Anything but 127.0.0.1/localhost is reachable from other machines and needs a token.",
            DefaultValueFactory = _ => UiServerOptions.Loopback,
        },
        new Option<string?>("--token") { Description = "Secret a browser must present when --bind is wider than loopback (default: a random one, printed in the address)." });

    private static async Task<int> ExecuteAsync(string? folder, string redis, string clusterId, string[] sweeps, int port, string bind, string? token,
        bool portGiven, CancellationToken cancellation)
    {
        if ((BindProblem(bind) ?? TokenProblem(token)) is { } optionProblem) return Refuse(optionProblem);
        if (folder is not null && !Directory.Exists(folder))
            return Refuse($"{folder}: no such folder; give an output folder such as runs (or runs/sweep=NAME).");
        if (string.IsNullOrEmpty(redis))
        {
            if (folder is null) return Refuse("nothing to show: give an output folder (grokking ui runs), or a cluster with --redis CONN --sweep NAME.");
            if (sweeps.Length > 0) return Refuse("--sweep picks sweeps of a cluster and needs --redis; an output folder shows all of its sweeps.");
            return await ServeAsync(new FolderSweepSource(folder), new UiServerOptions(bind, port, token), portGiven, cancellation);
        }
        foreach (var name in sweeps)
            if (CommandOptions.SweepNameProblem(name) is { } problem) return Refuse(problem);
        if (sweeps.Length == 0 && folder is null)
            return Refuse("with --redis, name the sweeps to show with --sweep NAME (a cluster cannot list them), or give the cluster's shared output folder.");
        return await ClusterCommands.WithClusterAsync(redis, clusterId, cancellation, client =>
            ServeAsync(new GrainSweepSource(client, sweeps, folder is null ? null : Path.GetFullPath(folder)), new UiServerOptions(bind, port, token), portGiven, cancellation));
    }

    private static async Task<int> ServeAsync(ISweepSource source, UiServerOptions options, bool portGiven, CancellationToken cancellation)
    {
        await using var server = await StartAsync(source, options, portGiven);
        if (server is null) return ExitCodes.Failure;
        Console.WriteLine($"live view: {server.Url} (Ctrl+C to stop)");
        await UntilCancelledAsync(cancellation);
        return ExitCodes.Success;
    }

    /// <summary>Serves until Ctrl+C (or SIGTERM) cancels the command.</summary>
    internal static async Task UntilCancelledAsync(CancellationToken cancellation)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellation);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Starts the live view; on the default port, falls back to a free one when it is taken. Null (and a message) when it cannot start.</summary>
    internal static async Task<UiServer?> StartAsync(ISweepSource source, UiServerOptions options, bool portGiven)
    {
        try
        {
            return await UiServer.StartAsync(source, options);
        }
        catch (UiStartException) when (!portGiven && options.Port == UiServerOptions.DefaultPort)
        {
            return await StartAsync(source, options with { Port = 0 }, portGiven: true);
        }
        catch (UiStartException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return null;
        }
    }

    /// <summary>The shortest token accepted: anything shorter is guessable.</summary>
    internal const int MinTokenLength = 16;

    /// <summary>Null for no token (one is generated when needed) or one long enough, else what is wrong.</summary>
    internal static string? TokenProblem(string? token) =>
        token is null || token.Length >= MinTokenLength
            ? null
            : $"--token: {token.Length} characters; expected at least {MinTokenLength} (or leave it out for a random one).";

    /// <summary>Null for an address this machine can listen on (an IP address, or localhost), else what is wrong.</summary>
    internal static string? BindProblem(string bind) =>
        bind == "localhost" || IPAddress.TryParse(bind, out _)
            ? null
            : $"--bind '{bind}': expected an IP address of this machine (127.0.0.1, the default; 0.0.0.0 for every interface) or localhost.";

    private static int Refuse(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return ExitCodes.BadInput;
    }
}
