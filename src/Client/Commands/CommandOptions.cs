using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Grokking.Client.Commands;

/// <summary>Options several commands share, and the checks of command-line values made before anything is read or written.</summary>
public static partial class CommandOptions
{
    /// <summary>
    /// --redis, with no default value in the option: help prints an option's default, and the connection string from
    /// GROKKING_REDIS holds the password. Read it with <see cref="RedisValue"/>.
    /// </summary>
    public static Option<string> Redis() => new("--redis")
    {
        Description = "StackExchange.Redis connection string of the cluster (password and TLS allowed). [env GROKKING_REDIS]",
    };

    /// <summary>The --redis given on the command line, else GROKKING_REDIS, else empty.</summary>
    public static string RedisValue(ParseResult result, Option<string> redis) =>
        result.GetValue(redis) is { Length: > 0 } given ? given : Environment.GetEnvironmentVariable("GROKKING_REDIS") ?? "";

    public static Option<string> ClusterId() => new("--cluster-id")
    {
        Description = "Orleans cluster id of the silos.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("GROKKING_CLUSTER_ID") ?? "grokking",
    };

    public static Argument<string> Sweep() => new("sweep") { Description = "Sweep name (the spec's name)." };

    public static Option<string> Output() => new("--out")
    {
        Description = "Output folder for Parquet, checkpoints and (embedded) sweep state.",
        DefaultValueFactory = _ => "runs",
    };

    /// <summary>An integer option of at least <paramref name="min"/>; anything else is a parse error that says what is accepted.</summary>
    /// <param name="meaning">What the number is, for the error, e.g. "runs trained at once".</param>
    public static Option<int> WholeNumber(string name, string description, int defaultValue, int min, string meaning, int max = int.MaxValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        // Parsed here rather than validated after: a validator reading a value that failed to parse throws.
        CustomParser = r =>
        {
            if (r.Tokens.Count == 0) return defaultValue;
            var text = r.Tokens[0].Value;
            if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max) return n;
            var shown = text.Length > 40 ? text[..40] + "..." : text;
            r.AddError(max == int.MaxValue
                ? $"{name} '{shown}': expected a whole number, at least {min} ({meaning})."
                : $"{name} '{shown}': expected a whole number from {min} to {max} ({meaning}).");
            return defaultValue;
        },
    };

    /// <summary>Most runs one process trains at once (each is a thread with its own model).</summary>
    public const int MaxSlots = 256;

    /// <summary>Most torch threads one process asks for.</summary>
    public const int MaxThreads = 1024;

    /// <summary>--memory-budget: the memory this process's runs may use together, split between its slots; default from the machine.</summary>
    public static Option<long?> MemoryBudget(string? description = null) => new("--memory-budget")
    {
        Description = description ?? "Memory the runs of this process may use together, e.g. 8GiB (default: 80% of the machine's or container's memory, less 512 MiB). "
            + "A run whose estimate does not fit its share is refused before training. [env GROKKING_MEMORY_BUDGET]",
        CustomParser = r =>
        {
            if (Grains.Engine.MemoryBudget.TryParse(r.Tokens[0].Value, out var bytes, out var problem)) return bytes;
            r.AddError($"--memory-budget: {problem}.");
            return null;
        },
    };

    /// <summary>
    /// The spec limits of a command that trains here: the memory one of <paramref name="slots"/> runs may use, from
    /// --memory-budget, else GROKKING_MEMORY_BUDGET, else the machine. Null after printing the error when the variable
    /// is not a size.
    /// </summary>
    public static Grains.Specs.SpecLimits? LocalLimits(long? given, int slots)
    {
        var budget = given;
        if (budget is null && Environment.GetEnvironmentVariable(Grains.Engine.MemoryBudget.Variable) is { Length: > 0 } text)
        {
            if (!Grains.Engine.MemoryBudget.TryParse(text, out var bytes, out var problem))
            {
                Console.Error.WriteLine($"error: {Grains.Engine.MemoryBudget.Variable}: {problem}.");
                return null;
            }
            budget = bytes;
        }
        return Limits(budget, slots);
    }

    private static Grains.Specs.SpecLimits Limits(long? budget, int slots) => new()
    {
        MemoryPerRun = Grains.Engine.MemoryBudget.PerRun(budget, slots),
        MemorySource = budget is null
            ? $"the default budget from this machine's memory{(slots > 1 ? $", split over {slots} slots" : "")}; set --memory-budget / {Grains.Engine.MemoryBudget.Variable}"
            : $"--memory-budget / {Grains.Engine.MemoryBudget.Variable}{(slots > 1 ? $", split over {slots} slots" : "")}",
    };

    /// <summary>Why <paramref name="name"/> cannot be a sweep name, or null; the rule is the spec's name: rule.</summary>
    public static string? SweepNameProblem(string name)
    {
        if (SweepName().IsMatch(name)) return null;
        var hint = name.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
            ? " Give the sweep's name (the name: in its spec), not the spec file."
            : "";
        return $"sweep '{name}': not a sweep name; accepted: letters, digits, '-' and '_' (the name: of the spec).{hint}";
    }

    /// <summary>
    /// Null when <paramref name="outDir"/> can hold the output; otherwise prints the one error and returns the exit
    /// code: 2 when a file is in the way (bad input), 1 when the folder cannot be created or written (the world).
    /// </summary>
    public static int? RefuseOutputFolder(string outDir, string option)
    {
        if (OutputFolderProblem(outDir, option) is { } problem)
        {
            Console.Error.WriteLine($"error: {problem}");
            return ExitCodes.BadInput;
        }
        if (UnwritableOutputFolder(outDir, option) is { } unwritable)
        {
            Console.Error.WriteLine($"error: {unwritable}");
            return ExitCodes.Failure;
        }
        return null;
    }

    /// <summary>Why <paramref name="path"/> cannot be used as the output folder given with <paramref name="option"/>, or null.</summary>
    public static string? OutputFolderProblem(string path, string option)
    {
        if (string.IsNullOrWhiteSpace(path)) return $"{option}: empty; give a folder (it is created if missing).";
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return $"{option} {path}: not a usable path ({e.Message}); give a folder (it is created if missing).";
        }
        // The folder itself, or a parent that would have to be created, must not be a file.
        for (var at = full; !string.IsNullOrEmpty(at); at = Path.GetDirectoryName(at))
        {
            if (Directory.Exists(at)) return null;
            if (File.Exists(at))
                return at == full
                    ? $"{option} {path}: is a file; give a folder (it is created if missing)."
                    : $"{option} {path}: {at} is a file, so the folder cannot be created there; give another folder.";
        }
        return null;
    }

    /// <summary>
    /// Creates the output folder and checks that a file can be written in it; returns why not (exit code 1: the
    /// input is fine, the machine is not), or null. Run once everything else is validated: the run itself would
    /// otherwise retry a folder it can never write as if it were a passing outage.
    /// </summary>
    public static string? UnwritableOutputFolder(string path, string option)
    {
        var full = Path.GetFullPath(path);
        bool existed = Directory.Exists(full);
        var step = "create the folder";
        try
        {
            Directory.CreateDirectory(full);
            step = "write in the folder";
            var probe = Path.Combine(full, $".grokking-write-test-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Leave nothing behind: remove the folder if this check made it.
            if (!existed && Directory.Exists(full))
                try { Directory.Delete(full); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            return $"{option} {path}: cannot {step} ({e.Message.TrimEnd('.')}); give a folder this user can create and write to.";
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex SweepName();
}
