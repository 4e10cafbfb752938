using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Grokking.Client.Commands;

/// <summary>Options several commands share, and the checks of command-line values made before anything is read or written.</summary>
public static partial class CommandOptions
{
    public static Option<string> Redis() => new("--redis")
    {
        Description = "StackExchange.Redis connection string of the cluster (password and TLS allowed). [env GROKKING_REDIS]",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("GROKKING_REDIS") ?? "",
    };

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
    public static Option<int> WholeNumber(string name, string description, int defaultValue, int min, string meaning) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        // Parsed here rather than validated after: a validator reading a value that failed to parse throws.
        CustomParser = r =>
        {
            if (r.Tokens.Count == 0) return defaultValue;
            var text = r.Tokens[0].Value;
            if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min) return n;
            r.AddError($"{name} '{text}': expected a whole number, at least {min} ({meaning}).");
            return defaultValue;
        },
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
