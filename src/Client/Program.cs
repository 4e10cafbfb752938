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
    UiCommand.Create(),
};
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    // One mistake, one message: the parser's own list may hold the same mistake twice.
    Console.Error.WriteLine($"error: {CommandLineErrors.Describe(parsed)}");
    Console.Error.WriteLine(CommandLineErrors.HelpHint(parsed));
    return ExitCodes.BadInput;
}
// Spectre.Console draws tables 80 columns wide when the output is a file or a pipe; run ids and phase names would
// then wrap mid-word in logs. Nobody reads a log through an 80-column window any more.
if (Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Profile.Width = 160;
// Ctrl+C and SIGTERM cancel the command's token; give running runs time to checkpoint before the process is
// ended (System.CommandLine's default is 2 s, too short for a large model's checkpoint).
// A failure nothing else caught still ends as one line (exit 1: the input was accepted, the machine or the code
// failed); the stack trace goes to a log file, or to stderr with GROKKING_TRACE=1, never unasked to the terminal.
try
{
    return await parsed.InvokeAsync(new InvocationConfiguration
    {
        ProcessTerminationTimeout = TimeSpan.FromSeconds(90), EnableDefaultExceptionHandler = false,
    });
}
catch (Exception e)
{
    return Failures.Report(e);
}
