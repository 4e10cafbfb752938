using System.Diagnostics;

namespace Grokking.Bench;

/// <summary>Times a piece of work repeatedly after a warm-up: the matmul peak and the ceiling measure the same way.</summary>
public static class Repetitions
{
    /// <summary>
    /// Runs <paramref name="work"/> <paramref name="warmups"/> times untimed, then at least <paramref name="minimum"/>
    /// times and until about <paramref name="seconds"/> have passed; the durations in seconds, fastest first.
    /// </summary>
    public static IReadOnlyList<double> Time(Action work, int warmups, int minimum, double seconds)
    {
        for (int i = 0; i < warmups; i++) work();
        var durations = new List<double>();
        var budget = Stopwatch.StartNew();
        while (durations.Count < minimum || budget.Elapsed.TotalSeconds < seconds)
        {
            long start = Stopwatch.GetTimestamp();
            work();
            durations.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        durations.Sort();
        return durations;
    }
}
