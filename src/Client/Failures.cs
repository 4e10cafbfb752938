namespace Grokking.Client;

/// <summary>
/// The last line of defence: an exception no command caught becomes one line on stderr and exit code 1. The detail
/// (type, message, stack trace) is written to a log file under the temp folder, named in the line, or printed with
/// GROKKING_TRACE=1.
/// </summary>
public static class Failures
{
    public static int Report(Exception e)
    {
        if (e is AggregateException { InnerExceptions.Count: 1 } single) e = single.InnerException!;
        var message = OneLine(e is OutOfMemoryException
            ? "out of memory; give the run less to hold (a smaller model, batch or grid) or the process more memory"
            : $"{e.GetType().Name}: {e.Message}");
        if (Environment.GetEnvironmentVariable("GROKKING_TRACE") == "1")
        {
            Console.Error.WriteLine($"error: {message}");
            Console.Error.WriteLine(e.ToString());
            return ExitCodes.Failure;
        }
        string where;
        try
        {
            var log = Path.Combine(Path.GetTempPath(), $"grokking-error-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}.log");
            File.WriteAllText(log, e.ToString());
            where = $" (details in {log}; GROKKING_TRACE=1 prints them)";
        }
        catch (Exception io) when (io is IOException or UnauthorizedAccessException)
        {
            where = " (GROKKING_TRACE=1 prints the details)";
        }
        Console.Error.WriteLine($"error: {message}{where}");
        return ExitCodes.Failure;
    }

    private static string OneLine(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length > 500 ? line[..500] + "..." : line;
    }
}
