using System.Globalization;
using System.Text.RegularExpressions;
using Grokking.Training.Config;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Grokking.Grains.Specs;

/// <summary>One parse of one spec text: walks the YAML tree, builds the base config and the grid, and validates them.</summary>
internal sealed partial class SpecReader(string sourceName, string baseDirectory, SpecLimits limits)
{
    private static readonly string[] TopKeys = ["name", "seed", "task", "model", "optimizer", "training", "grid", "search", "budget", "resources", "max_failures"];
    private static readonly Dictionary<string, string[]> SpecialKeys = new(StringComparer.Ordinal)
    {
        ["model"] = ["preset", "alpha"],
        ["optimizer"] = ["betas"],
        ["training"] = ["stop"],
    };

    // Where each setting (by canonical path) and each section was written, for cross-field errors.
    private readonly Dictionary<string, int> lines = new(StringComparer.Ordinal);
    private RunConfig config = new();

    public SweepSpec Read(string yamlText)
    {
        var root = Load(yamlText);
        string? name = null;
        string accelerator = "any";
        int maxFailures = 3;
        YamlNode? grid = null;
        int? gridLine = null;
        (SearchSpec Spec, int Line)? search = null;
        var budget = SweepBudget.None;

        foreach (var (keyNode, value) in root.Children)
        {
            var key = KeyText(keyNode, "");
            switch (key)
            {
                case "name":
                    name = ReadName(value);
                    break;
                case "seed":
                    Set(SpecCatalog.ByPath["seed"], value, "seed");
                    break;
                case "task" or "model" or "optimizer" or "training":
                    lines[key] = LineOf(keyNode);
                    ReadSection(key, value);
                    break;
                case "grid":
                    (grid, gridLine) = (value, LineOf(keyNode));
                    break;
                case "search":
                    search = ReadSearch(value, LineOf(keyNode));
                    break;
                case "budget":
                    budget = ReadBudget(value);
                    break;
                case "resources":
                    accelerator = ReadResources(value);
                    break;
                case "max_failures":
                    maxFailures = (int)(long)ReadValue(SpecCatalog.MaxFailures, value, "max_failures")!;
                    break;
                default:
                    throw Fail(key, LineOf(keyNode), KeySuggestion.Unknown(key, TopKeys));
            }
        }
        if (name is null)
            throw Fail("name", null, "required: the sweep id (letters, digits, - and _), e.g. name: lr-sweep");

        var axes = grid is null ? [] : ReadGrid(grid, gridLine);
        Validate(axes);
        var gridAxes = axes.Select(a => a.Axis).ToList();
        if (search is { } s) CheckSearch(s.Spec, s.Line, gridAxes, budget);
        return new SweepSpec(name, config, gridAxes, accelerator, maxFailures, yamlText)
        {
            Search = search?.Spec ?? SearchSpec.Grid,
            Budget = budget,
        };
    }

    private YamlMappingNode Load(string yamlText)
    {
        var stream = new YamlStream();
        var parser = new TrackingParser(new Parser(new StringReader(yamlText)));
        try
        {
            // Bounds first, on the event stream: the tree builder recurses and expands what the bounds refuse.
            if (YamlBounds.Check(parser) is { } tooBig) throw Fail("", tooBig.Line, tooBig.Problem);
            parser = new TrackingParser(new Parser(new StringReader(yamlText)));
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            // YamlDotNet places tab errors at the start of the enclosing node; point at the tab instead.
            if (e.Message.Contains("tab", StringComparison.OrdinalIgnoreCase) && FirstTabIndentedLine(yamlText) is { } tabLine)
                throw Fail("", tabLine, "YAML syntax error: this line is indented with a tab; YAML accepts only spaces for indentation");
            if (e.Message.StartsWith("Duplicate key ", StringComparison.Ordinal))
                throw Fail("", (int)e.Start.Line, $"Duplicate key {SpecText.Shown(e.Message["Duplicate key ".Length..])}: given twice in the same mapping; give each key once");
            throw Fail("", (int)e.Start.Line, $"YAML syntax error at column {e.Start.Column}: {e.Message}");
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet throws this without a position on some unterminated flow collections.
            int? line = parser.Last is { } mark ? (int)mark.Line : null;
            throw Fail("", line, "YAML syntax error: the parser could not continue after this line (look for an unclosed [, { or quote)");
        }

        if (stream.Documents.Count == 0)
            throw Fail("", null, "the spec is empty; it needs at least name: and task:");
        if (stream.Documents.Count > 1)
            throw Fail("", LineOf(stream.Documents[1].RootNode), "expected one YAML document, found several (remove the '---' separator)");
        return stream.Documents[0].RootNode as YamlMappingNode
            ?? throw Fail("", LineOf(stream.Documents[0].RootNode),
                $"expected a mapping of settings at the top level ({string.Join(", ", TopKeys)})");
    }

    private static int? FirstTabIndentedLine(string yamlText)
    {
        var lines = yamlText.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var indent = lines[i][..(lines[i].Length - lines[i].TrimStart(' ', '\t').Length)];
            if (indent.Contains('\t')) return i + 1;
        }
        return null;
    }

    private string ReadName(YamlNode node)
    {
        var scalar = Scalar(node, "name");
        if (scalar.Value is null || scalar.Text.Length == 0)
            throw Fail("name", scalar.Line, "required: the sweep id (letters, digits, - and _), e.g. name: lr-sweep");
        if (!NamePattern().IsMatch(scalar.Text))
            throw Fail("name", scalar.Line,
                $"must be 1 to 100 letters, digits, '-' and '_' (got {SpecText.Shown(scalar.Text)})");
        return scalar.Text;
    }

    private void ReadSection(string section, YamlNode node)
    {
        if (IsNull(node)) return;
        if (node is not YamlMappingNode mapping)
            throw Fail(section, LineOf(node), $"expected a mapping of settings, e.g. {section}: {{ key: value }}");
        var fields = SpecCatalog.Section(section);
        var special = SpecialKeys.GetValueOrDefault(section) ?? [];
        // A preset sets every model field; the keys beside it override it, wherever they stand in the mapping.
        foreach (var (keyNode, value) in mapping.Children.Where(c => c.Key is YamlScalarNode { Value: "preset" } && section == "model"))
            ReadPreset(value);
        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = KeyText(keyNode, section + ".");
            var path = $"{section}.{key}";
            switch (path)
            {
                case "model.preset":
                    break;
                case "model.alpha":
                    Set(SpecCatalog.ByPath["model.init_scale"], value, path);
                    break;
                case "optimizer.betas":
                    ReadBetas(value);
                    break;
                case "training.stop":
                    ReadStop(value);
                    break;
                default:
                    if (!fields.TryGetValue(key, out var field))
                        throw Fail(path, LineOf(keyNode), KeySuggestion.Unknown(key, fields.Keys.Concat(special)));
                    Set(field, value, path);
                    break;
            }
        }
    }

    private string ReadResources(YamlNode node)
    {
        if (IsNull(node)) return "any";
        if (node is not YamlMappingNode mapping)
            throw Fail("resources", LineOf(node), "expected a mapping such as { accelerator: gpu }");
        var accelerator = "any";
        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = KeyText(keyNode, "resources.");
            if (key != "accelerator")
                throw Fail($"resources.{key}", LineOf(keyNode), KeySuggestion.Unknown(key, ["accelerator"]));
            accelerator = (string)ReadValue(SpecCatalog.Accelerator, value, "resources.accelerator")!;
        }
        return accelerator;
    }

    private List<AxisSource> ReadGrid(YamlNode node, int? gridLine)
    {
        if (IsNull(node)) return [];
        if (node is not YamlMappingNode mapping)
            throw Fail("grid", LineOf(node), "expected a mapping of axes, e.g. grid: { lr: [1e-3, 3e-3], seed: [0, 1] }");
        CheckGridSize(mapping, gridLine);
        var axes = new List<AxisSource>();
        var seen = new Dictionary<string, (string Key, int Line)>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = KeyText(keyNode, "grid.");
            var path = $"grid.{key}";
            int line = LineOf(keyNode);
            var field = AxisField(key, path, line);
            if (seen.TryGetValue(field.Path, out var first))
                throw Fail(path, line, $"sets the same field ({field.Path}) as '{first.Key}' at line {first.Line}; give each field one axis");
            seen[field.Path] = (key, line);
            var (values, valueLines, range) = value switch
            {
                YamlSequenceNode list => ListValues(list, field, path, line),
                YamlMappingNode rangeNode => RangeValues(rangeNode, field, path),
                _ when IsNull(value) => throw Fail(path, line, "axis is empty; give at least one value, e.g. [1e-3, 3e-3]"),
                _ => throw Fail(path, LineOf(value),
                    "expected a list of values, { range: [a, b], points: n } or { log_range: [a, b], points: n }"),
            };
            var distinct = new HashSet<object>();
            for (int i = 0; i < values.Count; i++)
                if (!distinct.Add(values[i]))
                    throw Fail(path, valueLines[i],
                        $"value {ScalarValue.Describe(values[i])} appears twice in the axis; each grid point must differ");
            axes.Add(new AxisSource(new GridAxis(field.Path, field.Column, values, line, range), path, valueLines));
        }

        // Doubles cannot overflow here the way a long product of many axes could.
        double size = axes.Aggregate(1.0, (n, a) => n * a.Axis.Values.Count);
        if (size > limits.MaxGridSize)
        {
            var shape = string.Join(" x ", axes.Select(a => $"{a.Axis.ShortName} {a.Axis.Values.Count}"));
            throw Fail("grid", gridLine,
                $"expands to {size.ToString("0", CultureInfo.InvariantCulture)} runs ({shape}); the maximum is {limits.MaxGridSize}");
        }
        return axes;
    }

    /// <summary>
    /// Refuses a grid whose axes multiply past the limit before any value is read or converted, from the axes'
    /// lengths alone (a list's items, a range's points), so two 100,000-point axes are refused at once. Malformed
    /// axes are left to the full reading, which names what is wrong with them.
    /// </summary>
    private void CheckGridSize(YamlMappingNode grid, int? gridLine)
    {
        double size = 1;
        var shape = new List<string>();
        foreach (var (keyNode, value) in grid.Children)
        {
            long? count = value switch
            {
                YamlSequenceNode list => list.Children.Count,
                YamlMappingNode range => range.Children
                    .Where(c => c.Key is YamlScalarNode { Value: "points" } && c.Value is YamlScalarNode)
                    .Select(c => long.TryParse(((YamlScalarNode)c.Value).Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : (long?)null)
                    .FirstOrDefault(),
                _ => null,
            };
            if (count is not > 0) continue;
            size *= count.Value;
            shape.Add($"{(keyNode is YamlScalarNode { Value: { } k } ? SpecText.Shown(k).Trim('\'') : "?")} {count}");
        }
        if (size > limits.MaxGridSize)
            throw Fail("grid", gridLine,
                $"expands to {size.ToString("0", CultureInfo.InvariantCulture)} runs ({string.Join(" x ", shape)}); the maximum is {limits.MaxGridSize}");
    }

    private SpecField AxisField(string key, string path, int line)
    {
        if (SpecCatalog.ByAxisName.TryGetValue(key, out var field)) return field;
        if (SpecCatalog.AmbiguousLeaves.TryGetValue(key, out var several))
            throw Fail(path, line, $"ambiguous axis name; write {string.Join(" or ", several.Select(f => f.Path))}");
        var listed = SpecCatalog.RunFields.SelectMany(f => f.Aliases.Prepend(f.Column)).Append("or a dotted path such as optimizer.lr");
        throw Fail(path, line, KeySuggestion.Unknown(key, SpecCatalog.ByAxisName.Keys, "grid axis", listed));
    }

    private (List<object>, List<int?>, AxisRange?) ListValues(YamlSequenceNode list, SpecField field, string path, int line)
    {
        if (list.Children.Count == 0)
            throw Fail(path, line, "axis is empty; give at least one value, e.g. [1e-3, 3e-3]");
        var values = new List<object>();
        var valueLines = new List<int?>();
        foreach (var item in list.Children)
        {
            var scalar = Scalar(item, path);
            values.Add(ConvertAxisValue(field, scalar, path, ""));
            valueLines.Add(scalar.Line);
        }
        return (values, valueLines, null);
    }

    /// <summary>The values of a range axis, and its spacing when the setting is a number (an integer setting's values are rounded, so they are no lattice).</summary>
    private (List<object>, List<int?>, AxisRange?) RangeValues(YamlMappingNode mapping, SpecField field, string path)
    {
        string[] accepted = ["range", "log_range", "points"];
        (string Key, YamlNode Value, int Line)? bounds = null;
        YamlNode? pointsNode = null;
        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = KeyText(keyNode, path + ".");
            if (!accepted.Contains(key))
                throw Fail($"{path}.{key}", LineOf(keyNode), KeySuggestion.Unknown(key, accepted));
            if (key == "points") pointsNode = value;
            else if (bounds is not null) throw Fail($"{path}.{key}", LineOf(keyNode), "give either range or log_range, not both");
            else bounds = (key, value, LineOf(keyNode));
        }
        if (bounds is not { } b)
            throw Fail(path, LineOf(mapping), "expected range: [a, b] or log_range: [a, b], with points: n");
        if (pointsNode is null)
            throw Fail($"{path}.points", LineOf(mapping), "required with a range: how many values, at least 2");

        var pointsField = new SpecField
        {
            Path = "points", Column = "points", Type = SpecFieldType.Integer, Min = 2, Max = limits.MaxGridSize,
        };
        int points = (int)(long)ReadValue(pointsField, pointsNode, $"{path}.points")!;

        bool log = b.Key == "log_range";
        var boundsPath = $"{path}.{b.Key}";
        if (b.Value is not YamlSequenceNode { Children.Count: 2 } pair)
            throw Fail(boundsPath, LineOf(b.Value), $"expected two numbers [a, b], e.g. {b.Key}: [1e-4, 1e-2]");
        var boundField = new SpecField
        {
            Path = b.Key, Column = b.Key, Type = SpecFieldType.Number, Min = log ? 0 : null, MinExclusive = log,
        };
        var ends = pair.Children.Select(n => (double)ReadValue(boundField, n, boundsPath)!).ToArray();

        var range = new AxisRange(log, ends[0], ends[1], points);
        var values = range.Values()
            .Select(value => ConvertAxisValue(field, ScalarValue.Generated(value, b.Line), path, $" (a point of {b.Key})"))
            .ToList();
        return (values, Enumerable.Repeat<int?>(b.Line, points).ToList(), field.Type == SpecFieldType.Number ? range : null);
    }

    private object ConvertAxisValue(SpecField field, ScalarValue scalar, string path, string origin)
    {
        if (field.TryConvert(scalar, baseDirectory, out var value) is { } problem)
            throw Fail(path, scalar.Line, problem + origin);
        return value ?? throw Fail(path, scalar.Line, "expected a value (got nothing); a grid value cannot be empty");
    }

    private void Validate(IReadOnlyList<AxisSource> axes)
    {
        var rules = new RunConfigRules(limits.MemoryPerRun, limits.MemorySource);
        var gridAxes = axes.Select(a => a.Axis).ToList();
        foreach (var point in GridPoint.Enumerate(config, gridAxes))
        {
            if (rules.Check(point.Config) is not { } violation) continue;
            var blamed = violation.Involved.Prepend(violation.Field)
                .Select(path => axes.FirstOrDefault(a => a.Axis.Path == path))
                .FirstOrDefault(a => a is not null);
            if (blamed is not null)
            {
                int axisIndex = axes.ToList().IndexOf(blamed);
                throw Fail(blamed.Field, blamed.ValueLines[point.Choice[axisIndex]],
                    $"{violation.Field}: {violation.Problem} (at grid point {point.Describe(gridAxes)})");
            }
            int? line = violation.Involved.Prepend(violation.Field)
                .Append(violation.Field.Split('.')[0])
                .Select(path => lines.TryGetValue(path, out var l) ? l : (int?)null)
                .FirstOrDefault(l => l is not null);
            throw Fail(violation.Field, line, violation.Problem);
        }
    }

    private void Set(SpecField field, YamlNode node, string path)
    {
        var scalar = Scalar(node, path);
        if (field.TryConvert(scalar, baseDirectory, out var value) is { } problem)
            throw Fail(path, scalar.Line, problem);
        Apply(field, value, scalar.Line, path);
    }

    private void Apply(SpecField field, object? value, int? line, string path)
    {
        // Only an alias can reach an already-set field (init_scale and alpha), as YAML refuses duplicate keys.
        if (lines.TryGetValue(field.Path, out var earlier))
            throw Fail(path, line, $"{field.Path} is already set at line {earlier}; give it once");
        config = field.Apply!(config, value);
        if (line is { } l) lines[field.Path] = l;
    }

    private object? ReadValue(SpecField field, YamlNode node, string path)
    {
        var scalar = Scalar(node, path);
        if (field.TryConvert(scalar, baseDirectory, out var value) is { } problem)
            throw Fail(path, scalar.Line, problem);
        return value;
    }

    private ScalarValue Scalar(YamlNode node, string path) => node switch
    {
        YamlScalarNode scalar => ScalarValue.From(scalar),
        YamlSequenceNode => throw Fail(path, LineOf(node),
            "expected a single value, not a list (to sweep a setting, list its values under grid:)"),
        _ => throw Fail(path, LineOf(node), "expected a single value, not a mapping"),
    };

    private string KeyText(YamlNode keyNode, string prefix) => keyNode switch
    {
        YamlScalarNode { Value.Length: > SpecText.MaxShown } tooLong =>
            throw Fail(prefix.TrimEnd('.'), LineOf(keyNode), $"key {SpecText.Shown(tooLong.Value!)} is too long to be a setting; keys are at most {SpecText.MaxShown} characters"),
        YamlScalarNode { Value: { Length: > 0 } text } => text,
        _ => throw Fail(prefix.TrimEnd('.'), LineOf(keyNode), "expected a plain key"),
    };

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: "" or "~" or "null" or "Null" or "NULL" };

    private static int LineOf(YamlNode node) => (int)node.Start.Line;

    private SpecException Fail(string field, int? line, string problem) => new(sourceName, field, line, problem);

    // \z, not $: $ also matches before a final newline, which would let "base\n" through.
    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,100}\z")]
    private static partial Regex NamePattern();
}
