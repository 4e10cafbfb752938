using System.Globalization;
using System.Text.RegularExpressions;

namespace Grokking.Grains.Engine;

/// <summary>
/// How much memory one run may use on this machine: a run whose <see cref="Training.Runs.MemoryEstimate"/> is larger
/// is refused before torch allocates. Given by --memory-budget / GROKKING_MEMORY_BUDGET (for the whole process, e.g.
/// 8GiB), else 80% of the container's memory limit (cgroup v2 memory.max) or of the machine's memory, less 512 MiB
/// for the runtime and libtorch; split evenly between the slots that train at once.
/// </summary>
public static partial class MemoryBudget
{
    public const string Variable = "GROKKING_MEMORY_BUDGET";
    private const long RuntimeReserve = 512L << 20;

    /// <summary>Bytes one of <paramref name="slots"/> concurrent runs may use, given an explicit process budget or none.</summary>
    public static long PerRun(long? processBudget, int slots) =>
        Math.Max(64L << 20, (processBudget ?? DefaultProcessBudget()) / Math.Max(1, slots));

    /// <summary>80% of the memory this process can have, less the runtime's share.</summary>
    public static long DefaultProcessBudget()
    {
        long machine = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        long limit = CgroupLimit() is { } cgroup && cgroup < machine ? cgroup : machine;
        return Math.Max(256L << 20, (long)(limit * 0.8) - RuntimeReserve);
    }

    /// <summary>Parses a size such as 8GiB, 512MiB, 2G or a plain byte count; null with the reason when it is not one.</summary>
    public static bool TryParse(string text, out long bytes, out string problem)
    {
        bytes = 0;
        problem = "";
        var match = SizePattern().Match(text.Trim());
        if (!match.Success || !double.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            problem = $"'{(text.Length > 40 ? text[..40] + "..." : text)}' is not a size; accepted: a number of bytes or a number with KiB, MiB, GiB, TiB (or K, M, G, T), e.g. 8GiB";
            return false;
        }
        long unit = match.Groups[2].Value.ToUpperInvariant() switch
        {
            "" or "B" => 1,
            "K" or "KB" or "KIB" => 1L << 10,
            "M" or "MB" or "MIB" => 1L << 20,
            "G" or "GB" or "GIB" => 1L << 30,
            _ => 1L << 40,
        };
        double value = number * unit;
        if (value < 64L << 20 || value > 1L << 50)
        {
            problem = $"{text} is outside the accepted 64MiB to 1PiB";
            return false;
        }
        bytes = (long)value;
        return true;
    }

    private static long? CgroupLimit()
    {
        try
        {
            var text = File.ReadAllText("/sys/fs/cgroup/memory.max").Trim();
            return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var bytes) ? bytes : null; // "max": none
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)\s*([KMGT]i?B?|B)?$", RegexOptions.IgnoreCase)]
    private static partial Regex SizePattern();
}
