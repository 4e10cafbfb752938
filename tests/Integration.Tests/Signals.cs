using System.Runtime.InteropServices;

namespace Grokking.Integration.Tests;

/// <summary>POSIX signals to a process: what a node's failures look like to the processes on it.</summary>
public static class Signals
{
    private const int SigTerm = 15;
    private const int SigStop = 19;
    private const int SigCont = 18;

    /// <summary>SIGTERM: the polite stop Kubernetes sends before deleting a pod.</summary>
    public static void Terminate(int pid) => Send(pid, SigTerm, "SIGTERM");

    /// <summary>SIGSTOP: the process freezes mid-instruction (a paused VM, a stalled node), its sockets and locks held.</summary>
    public static void Freeze(int pid) => Send(pid, SigStop, "SIGSTOP");

    /// <summary>SIGCONT: a frozen process carries on from where it stopped, unaware of the time it lost.</summary>
    public static void Thaw(int pid) => Send(pid, SigCont, "SIGCONT");

    private static void Send(int pid, int signal, string name)
    {
        if (kill(pid, signal) != 0)
            throw new InvalidOperationException($"kill({pid}, {name}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
