using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Grokking.UiBench;

/// <summary>
/// A real <c>grokking run SPEC --ui --ui-port 0</c> in its own process (the grokking.dll built next to this program):
/// its address, when it printed what, and its CPU time and memory as the kernel counts them. Killed with its process
/// tree on dispose (with --ui it keeps serving after the sweep until stopped).
/// </summary>
public sealed class GrokkingProcess : IDisposable
{
    private readonly Process _process;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _url = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private GrokkingProcess(Process process) => _process = process;

    public Uri Url { get; private set; } = null!;

    public int Pid => _process.Id;

    /// <summary>Seconds from the start to the "live view:" line.</summary>
    public double UrlAt { get; private set; }

    /// <summary>Seconds from the start to the line the CLI prints once the sweep, runs.parquet and plots are written.</summary>
    public double? CliFinishedAt { get; private set; }

    public double Elapsed => _clock.Elapsed.TotalSeconds;

    public string Output { get { lock (_output) return _output.ToString(); } }

    public static async Task<GrokkingProcess> StartAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment.Remove("GROKKING_REDIS");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "grokking.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        var grokking = new GrokkingProcess(Process.Start(start)!);
        grokking._process.OutputDataReceived += (_, e) => grokking.Take(e.Data);
        grokking._process.ErrorDataReceived += (_, e) => grokking.Take(e.Data);
        grokking._process.BeginOutputReadLine();
        grokking._process.BeginErrorReadLine();
        if (await Task.WhenAny(grokking._url.Task, Task.Delay(TimeSpan.FromSeconds(120))) != grokking._url.Task)
        {
            grokking.Dispose();
            throw new TimeoutException("grokking run --ui printed no 'live view:' address within 120 s:\n" + grokking.Output);
        }
        grokking.Url = await grokking._url.Task;
        return grokking;
    }

    /// <summary>User plus system CPU seconds of the server process so far.</summary>
    public double CpuSeconds
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime.TotalSeconds;
        }
    }

    /// <summary>Resident memory now (VmRSS) and its peak (VmHWM), MB.</summary>
    public (double RssMb, double PeakMb) Memory()
    {
        double rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kb(line) / 1024.0;
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) peak = Kb(line) / 1024.0;
        }
        return (rss, peak);

        static long Kb(string line) => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    private void Take(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        const string prefix = "live view: ";
        if (line.StartsWith(prefix, StringComparison.Ordinal) && !_url.Task.IsCompleted)
        {
            UrlAt = Elapsed;
            _url.TrySetResult(new Uri(line[prefix.Length..].Split(' ')[0]));
        }
        if (line.StartsWith("live view stays up", StringComparison.Ordinal)) CliFinishedAt = Elapsed;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(20_000);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
