using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using Grokking.Client.Views;
using Grokking.Grains.Contracts;
using Grokking.Silo.Hosting;
using Spectre.Console;

namespace Grokking.Client.Commands;

/// <summary>The commands that talk to a running cluster: submit, status, watch, resume, cancel.</summary>
public static class ClusterCommands
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>What submit assumes one run may use when not told: more than any silo has, so only the absurd is refused here.</summary>
    private const long ClusterMemoryPerRun = 1L << 40;

    public static Command Submit()
    {
        var spec = new Argument<string>("spec") { Description = "Sweep spec (YAML)." };
        var (redis, clusterId) = (CommandOptions.Redis(), CommandOptions.ClusterId());
        var memory = CommandOptions.MemoryBudget("Memory one run may use on the cluster's silos, e.g. 16GiB; a run whose estimate is "
            + "larger is refused here (default: 1TiB, what no silo offers; each silo also checks its own --memory-budget).");
        var command = new Command("submit", "Submit a sweep to the cluster; submitting the same spec again returns the existing sweep.")
        {
            spec, redis, clusterId, memory,
        };
        command.SetAction((r, ct) =>
        {
            // Validate the spec before contacting anything: bad input is refused the same with or without a cluster.
            var limits = new Grains.Specs.SpecLimits
            {
                MemoryPerRun = r.GetValue(memory) ?? ClusterMemoryPerRun,
                MemorySource = r.GetValue(memory) is null ? "no silo offers 1 TiB to one run; --memory-budget sets your silos' size" : "--memory-budget",
            };
            if (SpecInput.Read(r.GetValue(spec)!, limits) is not var (parsed, submission)) return Task.FromResult(ExitCodes.BadInput);
            return WithClusterAsync(CommandOptions.RedisValue(r, redis), r.GetValue(clusterId)!, ct, async client =>
            {
                var result = await client.GetGrain<ISweepGrain>(parsed.Name).Submit(submission);
                if (!result.Accepted)
                {
                    Console.Error.WriteLine($"error: {result.Error}");
                    return ExitCodes.BadInput;
                }
                Console.WriteLine(result.Created
                    ? $"submitted sweep {parsed.Name}: {result.Runs} runs{RunCommand.SearchNote(parsed)}"
                    : $"sweep {parsed.Name} already exists with this spec ({result.Runs} runs); nothing changed");
                return ExitCodes.Success;
            });
        });
        return command;
    }

    public static Command Status()
    {
        var sweep = CommandOptions.Sweep();
        var json = new Option<bool>("--json") { Description = "Print the status and every run as JSON." };
        var (redis, clusterId) = (CommandOptions.Redis(), CommandOptions.ClusterId());
        var command = new Command("status", "Show a sweep's runs by state.") { sweep, json, redis, clusterId };
        command.SetAction((r, ct) => WithSweepAsync(r, sweep, redis, clusterId, ct, async grain =>
        {
            var status = await grain.GetStatus();
            var runs = await grain.GetRuns();
            if (r.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(new { status, runs }, Json));
            else
                SweepSummary.Write(AnsiConsole.Console, status, runs, null);
            return ExitCodes.Success;
        }));
        return command;
    }

    public static Command Watch()
    {
        var sweep = CommandOptions.Sweep();
        var (redis, clusterId) = (CommandOptions.Redis(), CommandOptions.ClusterId());
        var command = new Command("watch", "Follow a sweep started elsewhere until it ends.") { sweep, redis, clusterId };
        command.SetAction((r, ct) => WithSweepAsync(r, sweep, redis, clusterId, ct, async grain =>
        {
            var status = await SweepProgressView.ForConsole(AnsiConsole.Console).FollowAsync(grain.GetStatus, ct);
            if (!status.IsFinished) return ExitCodes.Interrupted;
            SweepSummary.Write(AnsiConsole.Console, status, await grain.GetRuns(), null);
            return status.Failed > 0 ? ExitCodes.Failure : ExitCodes.Success;
        }));
        return command;
    }

    public static Command Resume()
    {
        var sweep = CommandOptions.Sweep();
        var (redis, clusterId) = (CommandOptions.Redis(), CommandOptions.ClusterId());
        var command = new Command("resume", "Continue an interrupted or cancelled sweep: unfinished, cancelled and failed runs start again from their checkpoints.")
        {
            sweep, redis, clusterId,
        };
        command.SetAction((r, ct) => WithSweepAsync(r, sweep, redis, clusterId, ct, async grain =>
        {
            var status = await grain.Resume();
            Console.WriteLine($"resumed sweep {status.SweepId}: {status.Done} of {status.Total} done, {status.Running + status.Pending} to go");
            return ExitCodes.Success;
        }));
        return command;
    }

    public static Command Cancel()
    {
        var sweep = CommandOptions.Sweep();
        var (redis, clusterId) = (CommandOptions.Redis(), CommandOptions.ClusterId());
        var command = new Command("cancel", "Stop a sweep: runs stop at their next step boundary and keep what they wrote.") { sweep, redis, clusterId };
        command.SetAction((r, ct) => WithSweepAsync(r, sweep, redis, clusterId, ct, async grain =>
        {
            var status = await grain.Cancel();
            Console.WriteLine($"cancelling sweep {status.SweepId}: {status.Running} running runs stop at their next step; {status.Done} done runs are kept");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Task<int> WithSweepAsync(ParseResult r, Argument<string> sweep, Option<string> redis, Option<string> clusterId,
        CancellationToken cancellation, Func<ISweepGrain, Task<int>> action)
    {
        var name = r.GetValue(sweep)!;
        // A name no spec could have is refused before contacting anything.
        if (CommandOptions.SweepNameProblem(name) is { } problem)
        {
            Console.Error.WriteLine($"error: {problem}");
            return Task.FromResult(ExitCodes.BadInput);
        }
        return WithClusterAsync(CommandOptions.RedisValue(r, redis), r.GetValue(clusterId)!, cancellation, async client =>
        {
            // GetStatus only reads: an unknown sweep's grain writes no state, so asking leaves the cluster unchanged.
            var grain = client.GetGrain<ISweepGrain>(name);
            if (!(await grain.GetStatus()).Exists)
            {
                Console.Error.WriteLine($"error: no sweep named '{name}' in cluster '{r.GetValue(clusterId)}'; a sweep's name is the name: of its spec, and 'grokking submit SPEC' creates one.");
                return ExitCodes.BadInput;
            }
            return await action(grain);
        });
    }

    internal static async Task<int> WithClusterAsync(string redis, string clusterId, CancellationToken cancellation,
        Func<IClusterClient, Task<int>> action)
    {
        try
        {
            await using var connection = await ClusterConnection.ConnectAsync(redis, clusterId, cancellation);
            return await action(connection.Client);
        }
        catch (Exception e) when (e is RedisAddressException or TlsConfigurationException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (ClusterUnreachableException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            // E.g. a silo died a moment ago and the cluster has not noticed yet: calls routed to it fail for a few seconds.
            Console.Error.WriteLine($"error: the cluster did not answer ({e.GetBaseException().Message.Split('\n')[0].TrimEnd('.')}); a silo may have just been lost, try again in a few seconds.");
            return ExitCodes.Failure;
        }
    }
}
