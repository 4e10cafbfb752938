using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Grokking.Client.Tests.Progress;

/// <summary>`grokking run` with its output redirected (a CI log, a pipe) prints plain status lines, not a live view.</summary>
public sealed class PlainProgressTests : IDisposable
{
    private readonly TempFolder _work = new();

    [Fact]
    public void Grokking_run_prints_plain_status_lines_without_escape_codes_when_output_is_not_a_terminal()
    {
        Directory.CreateDirectory(_work.Path);
        var spec = Path.Combine(_work.Path, "plain.yaml");
        // Two runs one after the other, 1.5 s each: long enough for a status line between the first line and the last.
        File.WriteAllText(spec, """
            name: plain
            task: { kind: noop, step_ms: 5 }
            model: { kind: mlp }
            training: { steps: 300, eval_every: 10, rank_every: 100, checkpoint_every: 100 }
            grid:
              weight_decay: [0.0, 1.0]
            """);

        var (code, stdout, stderr) = RunRedirected(spec, Path.Combine(_work.Path, "out"));

        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        var status = Regex.Matches(stdout, @"^plain: (\d+) % (\d)/2 done, \d running, \d pending, 0 failed, 0 cancelled", RegexOptions.Multiline);
        Assert.Contains(status, m => m.Groups[2].Value == "1"); // a line while the sweep was half done, not only the first and last
        Assert.Equal("plain: 100 % 2/2 done", status[^1].Value[..21]);
        Assert.Matches(@"(?m)^  r[0-9a-f]{16} step [^/ ]+/300 train [\d.-]+ val [\d.-]+ on ", stdout);
        AssertNoEscapes(stdout, "stdout");
        AssertNoEscapes(stderr, "stderr");
    }

    public void Dispose() => _work.Dispose();

    private static void AssertNoEscapes(string output, string stream)
    {
        var at = output.IndexOf("\u001b[", StringComparison.Ordinal);
        Assert.True(at < 0, $"escape sequence on {stream} near: {(at < 0 ? "" : output[Math.Max(0, at - 80)..Math.Min(output.Length, at + 80)])}");
    }

    // As Cli.Run, but with a colour terminal advertised in the environment (as in a CI job or an IDE console):
    // the plain view must follow from the redirected output alone, not from TERM.
    private static (int Code, string Stdout, string Stderr) RunRedirected(string spec, string outDir)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "grokking.dll"), "run", spec, "--out", outDir, "--slots", "1" })
            start.ArgumentList.Add(arg);
        start.Environment["TERM"] = "xterm-256color";
        start.Environment["COLORTERM"] = "truecolor";
        start.Environment.Remove("NO_COLOR");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("grokking run did not finish within 2 minutes.");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
