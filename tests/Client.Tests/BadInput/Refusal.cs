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

    /// <summary>How long a refusal may take: a bad input must not cost a long parse.</summary>
    public static readonly TimeSpan TimeBound = TimeSpan.FromSeconds(20);

    /// <summary>How much memory a refusing process may reach: a bad input must not cost a large allocation.</summary>
    public const long MemoryCeiling = 1L << 30;

    /// <summary><see cref="Check"/>, and the refusal stayed within <see cref="TimeBound"/> and <see cref="MemoryCeiling"/>.</summary>
    public static void CheckBounded(Cli.Measured result, int exitCode, string expected, string what)
    {
        Check((result.ExitCode, result.Stdout, result.Stderr), exitCode, expected, what);
        Assert.True(result.Elapsed < TimeBound, $"{what}: took {result.Elapsed.TotalSeconds:F1} s");
        Assert.True(result.PeakBytes < MemoryCeiling, $"{what}: peak memory {result.PeakBytes >> 20} MB");
    }

    /// <summary>The names of everything under <paramref name="folder"/>, relative to it, sorted.</summary>
    public static string[] Listing(string folder) =>
        Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(folder, p)).Order(StringComparer.Ordinal).ToArray();
}
