using System.Diagnostics;
using System.Text;

namespace Grokking.Integration.Tests;

/// <summary>A .NET program of this solution (grokking or the silo) running as its own process, output captured.</summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ChildProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Starts <c>dotnet {assembly}.dll args</c> from the test's output folder.</summary>
    public static ChildProcess Start(string assembly, params string[] args) => Start(assembly, null, args);

    /// <summary>Starts <c>dotnet {assembly}.dll args</c> with extra environment variables.</summary>
    public static ChildProcess Start(string assembly, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, assembly + ".dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        return new ChildProcess(Process.Start(start)!);
    }

    /// <summary>Runs to completion; throws with the output if it takes longer than <paramref name="timeout"/>.</summary>
    public static (int ExitCode, string Output) Run(TimeSpan timeout, string assembly, params string[] args) =>
        Run(timeout, null, assembly, args);

    /// <summary>Runs to completion with extra environment variables.</summary>
    public static (int ExitCode, string Output) Run(TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, string assembly,
        params string[] args)
    {
        using var child = Start(assembly, environment, args);
        if (!child.WaitForExit(timeout))
        {
            child.Kill();
            throw new TimeoutException($"{assembly} {string.Join(' ', args)} did not finish within {timeout}:\n{child.Output}");
        }
        return (child.ExitCode, child.Output);
    }

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public int Id => _process.Id;

    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) return false;
        _process.WaitForExit(); // flushes the asynchronous output readers
        return true;
    }

    /// <summary>SIGTERM: the polite stop Kubernetes sends before deleting a pod (preemption, scale-down, rollout).</summary>
    public void Terminate()
    {
        if (!_process.HasExited) Signals.Terminate(_process.Id);
    }

    /// <summary>SIGSTOP: the process stops answering anyone (probes included) without exiting, until <see cref="Thaw"/>.</summary>
    public void Freeze() => Signals.Freeze(_process.Id);

    /// <summary>SIGCONT: a frozen process carries on where it stopped.</summary>
    public void Thaw() => Signals.Thaw(_process.Id);

    /// <summary>SIGKILL: no chance to checkpoint or say goodbye, as when a node is lost.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
