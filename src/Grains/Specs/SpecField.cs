using System.Globalization;
using Grokking.Training.Config;

namespace Grokking.Grains.Specs;

/// <summary>One scalar setting of a spec: where it lives, how its text is read and checked, and where it goes in a <see cref="RunConfig"/>.</summary>
internal sealed record SpecField
{
    /// <summary>Canonical dotted path, e.g. <c>optimizer.lr</c>.</summary>
    public required string Path { get; init; }

    /// <summary>Result column and grid short name, e.g. <c>lr</c>; unique among fields.</summary>
    public required string Column { get; init; }

    public required SpecFieldType Type { get; init; }

    /// <summary>Accepted values of a choice field.</summary>
    public IReadOnlyList<string> Choices { get; init; } = [];

    /// <summary>What a choice is called in "unknown X" messages; null gives "expected one of".</summary>
    public string? ChoiceNoun { get; init; }

    /// <summary>True when YAML null (or an empty value) means "not set" (the config's null).</summary>
    public bool Nullable { get; init; }

    public double? Min { get; init; }

    public bool MinExclusive { get; init; }

    public double? Max { get; init; }

    public bool MaxExclusive { get; init; }

    /// <summary>Integer fields stored as int in the config (everything but the seed).</summary>
    public bool Int32 { get; init; } = true;

    /// <summary>Words an integer field accepts in place of a number (batch_size: <c>full</c> and <c>power</c>), with the value each stands for.</summary>
    public IReadOnlyDictionary<string, long> Words { get; init; } = new Dictionary<string, long>();

    /// <summary>A folder; relative text resolves against the spec's folder.</summary>
    public bool IsPath { get; init; }

    /// <summary>Grid names besides the column, the unique leaf key and the path (e.g. <c>alpha</c>, <c>decoder_lr</c>).</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>Puts a converted value into a config; null for settings that are not part of a run (resources, max_failures).</summary>
    public Func<RunConfig, object?, RunConfig>? Apply { get; init; }

    /// <summary>The last segment of the path, the key used in the YAML section.</summary>
    public string Key => Path[(Path.LastIndexOf('.') + 1)..];

    /// <summary>Converts and range-checks a scalar; returns the problem, or null with the value as long, double, string, bool or null.</summary>
    public string? TryConvert(ScalarValue scalar, string baseDirectory, out object? value)
    {
        value = null;
        var raw = scalar.Value;
        if (raw is null && Nullable) return null;
        switch (Type)
        {
            case SpecFieldType.Integer:
                return TryInteger(scalar, out value);
            case SpecFieldType.Number:
                return TryNumber(scalar, out value);
            case SpecFieldType.Boolean:
                if (raw is bool b) { value = b; return null; }
                return $"expected true or false (got {Got(scalar)})";
            case SpecFieldType.Choice:
                if (raw is null) return $"expected one of: {string.Join(", ", Choices)}";
                if (Choices.Contains(scalar.Text, StringComparer.Ordinal)) { value = scalar.Text; return null; }
                return ChoiceNoun is { } noun
                    ? $"unknown {noun} {SpecText.Shown(scalar.Text)}; accepted: {string.Join(", ", Choices.Select(c => $"'{c}'"))}"
                    : $"expected one of: {string.Join(", ", Choices)} (got {SpecText.Shown(scalar.Text)})";
            default:
                if (raw is null || scalar.Text.Length == 0) return "expected a text value";
                value = IsPath ? System.IO.Path.GetFullPath(scalar.Text, baseDirectory) : scalar.Text;
                return null;
        }
    }

    private string? TryInteger(ScalarValue scalar, out object? value)
    {
        value = null;
        var expected = Words.Count > 0 ? $"an integer or one of: {string.Join(", ", Words.Keys.Select(w => $"'{w}'"))}" : "an integer";
        long number;
        switch (scalar.Value)
        {
            case string s when Words.TryGetValue(s, out var word):
                value = word;
                return null;
            case long l:
                number = l;
                break;
            case double d when double.IsFinite(d) && Math.Floor(d) == d && Math.Abs(d) < 9e15:
                number = (long)d;
                break;
            case double d:
                return $"expected {expected} (got {ScalarValue.Describe(d)})";
            default:
                return Mismatch(scalar, expected);
        }
        if (RangeProblem(number) is { } problem) return problem;
        if (Int32 && number > int.MaxValue) return $"must be at most {int.MaxValue} (got {number})";
        value = number;
        return null;
    }

    private string? TryNumber(ScalarValue scalar, out object? value)
    {
        value = null;
        double number;
        switch (scalar.Value)
        {
            case long l:
                number = l;
                break;
            case double d when double.IsFinite(d):
                number = d;
                break;
            case double d:
                return $"expected a finite number (got {ScalarValue.Describe(d)})";
            default:
                return Mismatch(scalar, "a number");
        }
        if (RangeProblem(number) is { } problem) return problem;
        // Every number trains as a float32 (or is compared with one); past its range it would become infinity.
        if (Math.Abs(number) > float.MaxValue)
            return $"must be within ±{float.MaxValue.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}, the float32 range it is used in (got {ScalarValue.Describe(number)})";
        value = number;
        return null;
    }

    private static string Mismatch(ScalarValue scalar, string expected) =>
        scalar.IsQuotedNumber
            ? $"expected {expected}, not the quoted string \"{scalar.Text}\"; remove the quotes"
            : $"expected {expected} (got {Got(scalar)})";

    private static string Got(ScalarValue scalar) =>
        scalar.Quoted ? SpecText.Shown(scalar.Text) : ScalarValue.Describe(scalar.Value);

    private string? RangeProblem(double number)
    {
        bool tooLow = Min is { } min && (MinExclusive ? number <= min : number < min);
        bool tooHigh = Max is { } max && (MaxExclusive ? number >= max : number > max);
        if (!tooLow && !tooHigh) return null;
        var bounds = new List<string>();
        if (Min is { } lo) bounds.Add(MinExclusive ? $"greater than {Show(lo)}" : $"at least {Show(lo)}");
        if (Max is { } hi) bounds.Add(MaxExclusive ? $"less than {Show(hi)}" : $"at most {Show(hi)}");
        var got = Type == SpecFieldType.Integer ? Show(number) : ScalarValue.Describe(number);
        return $"must be {string.Join(" and ", bounds)} (got {got})";
    }

    private static string Show(double bound) => bound.ToString("R", CultureInfo.InvariantCulture);
}
