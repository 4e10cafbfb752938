using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Grokking.Grains.Specs;

/// <summary>A YAML scalar read by YAML 1.2 core-schema rules: long, double, bool, null or string, remembering whether it was quoted.</summary>
internal sealed partial record ScalarValue(object? Value, bool Quoted, string Text, int? Line)
{
    /// <summary>Reads a scalar node; quoted scalars always stay strings so "1e-3" can be refused where a number is expected.</summary>
    public static ScalarValue From(YamlScalarNode node)
    {
        var text = node.Value ?? "";
        int line = (int)node.Start.Line;
        bool quoted = node.Style is not (ScalarStyle.Plain or ScalarStyle.Any) || (!node.Tag.IsEmpty && !node.Tag.IsNonSpecific && node.Tag.Value == "tag:yaml.org,2002:str");
        if (quoted) return new ScalarValue(text, true, text, line);
        return new ScalarValue(Interpret(text), false, text, line);
    }

    /// <summary>A value that did not come from the text (a point of a range axis).</summary>
    public static ScalarValue Generated(double value, int? line) =>
        new(value, false, value.ToString("R", CultureInfo.InvariantCulture), line);

    /// <summary>True for a quoted string that would have been a number without the quotes.</summary>
    public bool IsQuotedNumber => Quoted && Interpret(Text) is long or double;

    /// <summary>The value as a user would write it in a message.</summary>
    public static string Describe(object? value) => value switch
    {
        null => "nothing",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        string s => SpecText.Shown(s),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private static object? Interpret(string text)
    {
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL": return null;
            case "true" or "True" or "TRUE": return true;
            case "false" or "False" or "FALSE": return false;
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF": return double.PositiveInfinity;
            case "-.inf" or "-.Inf" or "-.INF": return double.NegativeInfinity;
            case ".nan" or ".NaN" or ".NAN": return double.NaN;
        }
        if (IntegerPattern().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
            return l;
        if (FloatPattern().IsMatch(text))
            return double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        return text;
    }

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
