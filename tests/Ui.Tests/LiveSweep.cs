using System.Diagnostics;
using System.Text;

namespace Grokking.Ui.Tests;

/// <summary>
/// A real `grokking run SPEC --ui` in its own process (the grokking.dll built next to the tests), on a free port;
/// killed with its children on dispose. Its output is collected for failure messages.
/// </summary>
public sealed class LiveSweep : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _url = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LiveSweep(string folder, Process process)
    {
        Folder = folder;
        _process = process;
    }

    /// <summary>The test's folder: the spec and the output folder (<c>out</c>) live here.</summary>
    public string Folder { get; }

    public string OutDir => Path.Combine(Folder, "out");

    public Uri Url { get; private set; } = null!;

    public string Output { get { lock (_output) return _output.ToString(); } }

    public static async Task<LiveSweep> StartAsync(string name, string yaml, int slots = 1, params string[] extra)
    {
        var folder = NewFolder();
        var spec = Path.Combine(folder, name + ".yaml");
        await File.WriteAllTextAsync(spec, yaml);
        return await StartAsync(folder, ["run", spec, "--out", Path.Combine(folder, "out"), "--slots", slots.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--torch-threads", "1", "--ui", "--ui-port", "0", .. extra]);
    }

    /// <summary>A fresh folder under the temp folder for a test's spec and output.</summary>
    public static string NewFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "grokking-ui-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Starts grokking with <paramref name="args"/> (a command that prints "live view: URL"); owns <paramref name="folder"/>.</summary>
    public static async Task<LiveSweep> StartAsync(string folder, string[] args)
    {
        var sweep = new LiveSweep(folder, Process.Start(StartInfo(args))!);
        sweep._process.OutputDataReceived += (_, e) => sweep.Take(e.Data);
        sweep._process.ErrorDataReceived += (_, e) => sweep.Take(e.Data);
        sweep._process.BeginOutputReadLine();
        sweep._process.BeginErrorReadLine();
        var url = await Task.WhenAny(sweep._url.Task, Task.Delay(TimeSpan.FromSeconds(90)));
        if (url != sweep._url.Task)
        {
            await sweep.DisposeAsync();
            throw new TimeoutException("grokking run --ui printed no 'live view:' address within 90 s:\n" + sweep.Output);
        }
        sweep.Url = sweep._url.Task.Result;
        return sweep;
    }

    /// <summary>Runs grokking to its end; its exit code and what it printed (stdout, stderr).</summary>
    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(TimeSpan timeout, params string[] args)
    {
        using var process = Process.Start(StartInfo(args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static ProcessStartInfo StartInfo(string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment.Remove("GROKKING_REDIS");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "grokking.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        return start;
    }

    /// <summary>Waits for a line of output containing <paramref name="text"/> (e.g. the closing summary).</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (clock.Elapsed > timeout) throw new TimeoutException($"no '{text}' in the output of grokking run within {timeout}:\n{Output}");
            if (_process.HasExited) throw new InvalidOperationException($"grokking run exited {_process.ExitCode} before printing '{text}':\n{Output}");
            await Task.Delay(100);
        }
    }

    private void Take(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        const string prefix = "live view: ";
        if (line.StartsWith(prefix, StringComparison.Ordinal)) _url.TrySetResult(new Uri(line[prefix.Length..].Split(' ')[0]));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
        }
        _process.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
