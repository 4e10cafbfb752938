using System.Diagnostics;
using System.Globalization;

namespace Grokking.Bench;

/// <summary>The machine's busy CPU time and this process's own CPU time at one moment.</summary>
public readonly record struct CpuSample(double BusySeconds, TimeSpan OwnCpu, long Timestamp);

/// <summary>
/// How much CPU other processes (and, under a hypervisor, stolen time) took during a timed run, read from Linux's
/// /proc/stat. On a 2-core machine a neighbour using one core roughly halves the speed of a 2-thread run, so each run
/// is reported with this figure: a slow run next to a busy neighbour is noise, not a slow code path.
/// </summary>
public static class MachineLoad
{
    // USER_HZ, the unit of /proc/stat: 100 on every mainstream Linux architecture.
    private const double TicksPerSecond = 100;

    /// <summary>Null where /proc/stat cannot be read (not Linux).</summary>
    public static CpuSample? Sample()
    {
        try
        {
            var line = File.ReadLines("/proc/stat").First();
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields[0] != "cpu" || fields.Length < 9) return null;
            long Field(int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
            // user nice system idle iowait irq softirq steal (guest time is already counted in user).
            long busy = Field(1) + Field(2) + Field(3) + Field(6) + Field(7) + Field(8);
            using var self = Process.GetCurrentProcess();
            return new CpuSample(busy / TicksPerSecond, self.TotalProcessorTime, Stopwatch.GetTimestamp());
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Average cores busy with anything but this process between two samples; null when either is missing.</summary>
    public static double? OtherCores(CpuSample? start, CpuSample? end)
    {
        if (start is not { } s || end is not { } e) return null;
        double elapsed = Stopwatch.GetElapsedTime(s.Timestamp, e.Timestamp).TotalSeconds;
        if (elapsed <= 0) return null;
        double others = (e.BusySeconds - s.BusySeconds) - (e.OwnCpu - s.OwnCpu).TotalSeconds;
        return Math.Max(0, others / elapsed);
    }

    /// <summary>E.g. "others 0.02 cores", or "others: unknown" off Linux.</summary>
    public static string Describe(double? cores) => cores is { } c ? $"others {c:F2} cores" : "others: unknown";
}
