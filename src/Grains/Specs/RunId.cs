using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Grokking.Training.Config;

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

    /// <summary>Every field of the config as <c>path=value</c> lines sorted by dotted snake_case path, numbers in round-trip form, nulls explicit.</summary>
    public static string CanonicalText(RunConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var text = new StringBuilder(Header).Append('\n');
        foreach (var (path, read) in Fields.Value)
            text.Append(path).Append('=').Append(Format(read(config), path)).Append('\n');
        return text.ToString();
    }

    // Reflection rather than a hand-written list: a field added to the Training records later changes
    // the id without anyone remembering to update this file. Compiled once, as a grid hashes every run.
    private static readonly Lazy<IReadOnlyList<(string Path, Func<RunConfig, object?> Read)>> Fields = new(() =>
    {
        var fields = new List<(string, Func<RunConfig, object?>)>();
        var config = Expression.Parameter(typeof(RunConfig), "config");
        Collect(config, prefix: "", fields, config);
        return fields.OrderBy(f => f.Item1, StringComparer.Ordinal).ToList();
    });

    private static void Collect(Expression record, string prefix, List<(string, Func<RunConfig, object?>)> fields, ParameterExpression config)
    {
        foreach (var property in record.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0) continue;
            var path = prefix + SnakeCase(property.Name);
            var access = Expression.Property(record, property);
            var type = property.PropertyType;
            if (type.IsClass && type != typeof(string))
            {
                // The nested config records are non-nullable; a null one is a bug, and a NullReferenceException says so.
                Collect(access, path + ".", fields, config);
            }
            else
            {
                var read = Expression.Lambda<Func<RunConfig, object?>>(Expression.Convert(access, typeof(object)), config).Compile();
                fields.Add((path, read));
            }
        }
    }

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

    private static string SnakeCase(string name)
    {
        var text = new StringBuilder();
        for (int i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && !char.IsUpper(name[i - 1])) text.Append('_');
                text.Append(char.ToLowerInvariant(c));
            }
            else text.Append(c);
        }
        return text.ToString();
    }
}
