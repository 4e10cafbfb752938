using System.CommandLine;
using Grokking.Client;
using Grokking.Client.Commands;

var root = new RootCommand("grokking: phase-diagram sweeps of grokking experiments")
{
    RunCommand.Create(),
    TrainCommand.Create(),
    ClusterCommands.Submit(),
    ClusterCommands.Status(),
    ClusterCommands.Watch(),
    ClusterCommands.Resume(),
    ClusterCommands.Cancel(),
    SqlCommand.Create(),
    PlotCommand.Create(),
};
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors) Console.Error.WriteLine($"error: {error.Message}");
    Console.Error.WriteLine("Run 'grokking --help' for the accepted commands and options.");
    return ExitCodes.BadInput;
}
return await parsed.InvokeAsync();
