using System.Diagnostics;

namespace Grokking.Client.Tests;

/// <summary>Runs the real `grokking` executable (built next to the tests) as a separate process.</summary>
internal static class Cli
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Example(string name) => Path.Combine(RepositoryRoot, "examples", name);

    public static (int ExitCode, string Stdout, string Stderr) Run(TimeSpan timeout, params string[] args) => RunIn(null, timeout, args);

    /// <summary>Runs grokking with <paramref name="workingDirectory"/> as its current folder (null: the test's).</summary>
    public static (int ExitCode, string Stdout, string Stderr) RunIn(string? workingDirectory, TimeSpan timeout, params string[] args)
    {
        using var process = Process.Start(StartInfo(workingDirectory, null, args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"grokking {string.Join(' ', args)} did not finish within {timeout}.");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>What a measured run of the CLI did: exit code, output, wall time and peak resident memory.</summary>
    public sealed record Measured(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed, long PeakBytes);

    /// <summary>
    /// Runs grokking like <see cref="RunIn"/>, with extra environment variables (null removes one), and measures its wall
    /// time and peak resident memory (VmHWM from /proc, read every 20 ms until it exits).
    /// </summary>
    public static Measured RunMeasured(string? workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string?>? environment,
        params string[] args)
    {
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(StartInfo(workingDirectory, environment, args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        long peak = 0;
        while (!process.WaitForExit(20))
        {
            peak = Math.Max(peak, PeakResident(process.Id));
            if (clock.Elapsed > timeout)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"grokking {string.Join(' ', args.Select(a => a.Length > 80 ? a[..80] + "..." : a))} did not finish within {timeout}.");
            }
        }
        return new Measured(process.ExitCode, stdout.Result, stderr.Result, clock.Elapsed, peak);
    }

    /// <summary>Starts grokking in the background, its output redirected (and to be read or discarded by the caller).</summary>
    public static Process Start(params string[] args) => Process.Start(StartInfo(null, null, args))!;

    private static ProcessStartInfo StartInfo(string? workingDirectory, IReadOnlyDictionary<string, string?>? environment, string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        // The cluster commands read these; a developer's own settings must not change what the tests see.
        start.Environment.Remove("GROKKING_REDIS");
        start.Environment.Remove("GROKKING_CLUSTER_ID");
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "grokking.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        return start;
    }

    /// <summary>The process's peak resident set (VmHWM) in bytes, 0 once it has gone.</summary>
    private static long PeakResident(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return 0;
        }
    }

    /// <summary>Writes <paramref name="yaml"/> as NAME.yaml in <paramref name="folder"/> and runs the whole sweep with
    /// `grokking run` into folder/out; returns that output folder and what the run printed.</summary>
    public static (string OutDir, string Stdout) RunSweep(string folder, string name, string yaml)
    {
        Directory.CreateDirectory(folder);
        var spec = Path.Combine(folder, name + ".yaml");
        File.WriteAllText(spec, yaml);
        var outDir = Path.Combine(folder, "out");
        var (code, stdout, stderr) = Run(TimeSpan.FromMinutes(2), "run", spec, "--out", outDir, "--slots", "2");
        if (code != 0) throw new InvalidOperationException($"grokking run exited {code}: {stderr}\n{stdout}");
        return (outDir, stdout);
    }

    /// <summary>
    /// Runs `grokking plot SWEEP_DIR OPTIONS --out` a fresh folder under <paramref name="parent"/>, asserting exit code 2,
    /// no output and no folder written; returns its one error line.
    /// </summary>
    public static string PlotRefused(string parent, string sweepDir, params string[] options)
    {
        var output = Path.Combine(parent, Guid.NewGuid().ToString("N"));
        var (code, stdout, stderr) = Run(TimeSpan.FromSeconds(90), ["plot", sweepDir, .. options, "--out", output]);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.False(Directory.Exists(output), "a refused plot command created its output folder");
        return stderr.TrimEnd();
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Grokking.sln"))) return dir.FullName;
        throw new InvalidOperationException("Grokking.sln not found above " + AppContext.BaseDirectory);
    }
}
