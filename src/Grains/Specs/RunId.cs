using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Grokking.Training.Config;
using Grokking.Training.Tasks;

namespace Grokking.Grains.Specs;

/// <summary>Content-derived run ids: the same resolved config gets the same id on every machine, so a resubmitted grid never duplicates a run.</summary>
public static class RunId
{
    // Bump when the canonical form changes meaning, so old and new ids can never collide by accident.
    private const string Header = "grokking.run-config/v1";

    /// <summary>"r" and 16 lowercase hex characters of SHA-256 over <see cref="CanonicalText"/>.</summary>
    /// <remarks>
    /// The leading letter keeps hive-partitioned readers (DuckDB autocasts partition values) from reading an
    /// all-digit or exponent-looking id such as 1234e567... as a number.
    /// </remarks>
    public static string For(RunConfig config)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalText(config)));
        return "r" + Convert.ToHexStringLower(hash.AsSpan(0, 8));
    }

    private const string DataDirPath = "task.data_dir", DataPath = "task.data";

    /// <summary>
    /// Every field of the config as <c>path=value</c> lines sorted by dotted snake_case path, numbers in round-trip form,
    /// nulls explicit; for the image task <c>task.data=sha256:...</c> (<see cref="ImageDataIdentity"/>) instead of <c>task.data_dir</c>.
    /// </summary>
    /// <exception cref="SpecException">An image task's data folder cannot be read (it changed after validation).</exception>
    public static string CanonicalText(RunConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var text = new StringBuilder(Header).Append('\n');
        foreach (var (path, read) in ConfigFields.Readers)
        {
            if (path == DataDirPath && config.Task.Kind == "image")
            {
                // The data's identity, not where this machine mounts it: the same files give the same id on every cluster.
                text.Append(DataPath).Append('=').Append(DataIdentity(config.Task.DataDir)).Append('\n');
                continue;
            }
            var value = read(config);
            // Settings added after this form was fixed are left out at their default, so adding one changes no existing id.
            if (AddedLater.TryGetValue(path, out var unset) && Equals(value, unset)) continue;
            text.Append(path).Append('=').Append(Format(value, path)).Append('\n');
        }
        return text.ToString();
    }

    private static string DataIdentity(string dataDir)
    {
        try
        {
            return ImageDataIdentity.Of(dataDir);
        }
        catch (Exception e) when (DataFolder.IsUnreadable(e))
        {
            throw new SpecException("run config", DataDirPath, null, $"cannot hash the IDX files in {dataDir} for the run id: {e.Message}; {DataFolder.Accepted}");
        }
    }

    /// <summary>Settings added after v1, with their defaults; they enter the id only when set to something else.</summary>
    private static readonly Dictionary<string, object?> AddedLater = new(StringComparer.Ordinal)
    {
        ["task.numpy_seed"] = null,
        ["task.noop_boundary"] = null,
        ["training.stop_phase_decided"] = false,
        ["training.stop_phase_evals"] = 1,
    };

    private static string Format(object? value, string path) => value switch
    {
        null => "null",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        string s => Quote(s),
        _ => throw new NotSupportedException(
            $"RunId has no canonical form for {path} of type {value.GetType().Name}; add one before using it in a run config."),
    };

    private static string Quote(string s)
    {
        var text = new StringBuilder("\"");
        foreach (var c in s)
        {
            if (c is '"' or '\\') text.Append('\\').Append(c);
            else if (c < ' ' || c == '\u007f') text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            else text.Append(c);
        }
        return text.Append('"').ToString();
    }
}
