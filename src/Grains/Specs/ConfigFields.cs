using System.Linq.Expressions;
using System.Reflection;
using System.Text;
using Grokking.Training.Config;

namespace Grokking.Grains.Specs;

/// <summary>
/// Every scalar property of a <see cref="RunConfig"/> by its dotted snake_case path (<c>model.attention_bias</c>), with a
/// compiled reader. Reflection rather than a hand-written list: a field added to the Training records later reaches
/// run ids and runs.parquet without anyone remembering to update this file.
/// </summary>
public static class ConfigFields
{
    private static readonly Lazy<IReadOnlyList<(string Path, Func<RunConfig, object?> Read)>> All = new(() =>
    {
        var fields = new List<(string, Func<RunConfig, object?>)>();
        var config = Expression.Parameter(typeof(RunConfig), "config");
        Collect(config, prefix: "", fields, config);
        return fields.OrderBy(f => f.Item1, StringComparer.Ordinal).ToList();
    });

    private static readonly Lazy<IReadOnlyDictionary<string, Func<RunConfig, object?>>> ByPath =
        new(() => All.Value.ToDictionary(f => f.Path, f => f.Read, StringComparer.Ordinal));

    /// <summary>Every (path, reader), sorted by path.</summary>
    public static IReadOnlyList<(string Path, Func<RunConfig, object?> Read)> Readers => All.Value;

    /// <summary>
    /// The value of a spec field (by its spec path, e.g. <c>training.stop.val_acc</c>) in <paramref name="config"/>.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No config property backs the path.</exception>
    public static object? Read(RunConfig config, string specPath)
    {
        // The spec nests the early-stop settings (training.stop.val_acc); the config flattens them (StopValAcc).
        var path = specPath.Replace("training.stop.", "training.stop_", StringComparison.Ordinal);
        return ByPath.Value.TryGetValue(path, out var read)
            ? read(config)
            : throw new KeyNotFoundException($"No RunConfig property backs the spec field {specPath}.");
    }

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
