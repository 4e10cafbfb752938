namespace Grokking.Client.Tests.BadInput;

/// <summary>What every refused command must look like: its exit code, one error line saying what is wrong, nothing else.</summary>
internal static class Refusal
{
    /// <summary>The hint the parser's refusals add after the error, e.g. "Run 'grokking train --help' for usage.".</summary>
    private const string HelpHintEnd = "--help' for usage.";

    /// <summary>Asserts the exit code and that stderr is exactly one error line (plus at most the help hint) containing <paramref name="expected"/>.</summary>
    public static void Check((int ExitCode, string Stdout, string Stderr) result, int exitCode, string expected, string what)
    {
        var (code, stdout, stderr) = result;
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(code == exitCode, $"{what}: exit code {code}, expected {exitCode}.\nstderr:\n{stderr}\nstdout:\n{stdout}");
        Assert.True(stdout.Length == 0, $"{what}: a refused command printed to stdout:\n{stdout}");
        var errors = lines.Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 1, $"{what}: expected one error line, got {errors.Count}:\n{stderr}");
        var others = lines.Where(l => !l.StartsWith("error:", StringComparison.Ordinal) && !l.EndsWith(HelpHintEnd, StringComparison.Ordinal)).ToList();
        Assert.True(others.Count == 0, $"{what}: stderr holds more than the error (a stack trace or log?):\n{stderr}");
        Assert.True(errors[0].Contains(expected, StringComparison.Ordinal), $"{what}: the error does not say\n  {expected}\nit says\n  {errors[0]}");
    }

    /// <summary>The names of everything under <paramref name="folder"/>, relative to it, sorted.</summary>
    public static string[] Listing(string folder) =>
        Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(folder, p)).Order(StringComparer.Ordinal).ToArray();
}
