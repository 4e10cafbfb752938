namespace Grokking.Grains.Specs;

/// <summary>A sweep spec that cannot be accepted: where (source, line, dotted field) and what is wrong.</summary>
public sealed class SpecException : Exception
{
    /// <summary>Creates the error; the message reads <c>source:line: field: problem</c>.</summary>
    public SpecException(string sourceName, string field, int? line, string problem)
        : base(SpecText.OneLine(Format(sourceName, field, line, problem)))
    {
        SourceName = sourceName;
        Field = field;
        Line = line;
        Problem = problem;
    }

    /// <summary>The spec file name (or the name given to the parser for text).</summary>
    public string SourceName { get; }

    /// <summary>Dotted path of the offending setting, e.g. <c>optimizer.lr</c> or <c>grid.lr</c>; empty for document-level problems.</summary>
    public string Field { get; }

    /// <summary>1-based YAML line, or null when the problem has no place in the text (a missing setting).</summary>
    public int? Line { get; }

    /// <summary>What is wrong and what is accepted, without the location prefix.</summary>
    public string Problem { get; }

    private static string Format(string sourceName, string field, int? line, string problem)
    {
        var where = line is { } l ? $"{sourceName}:{l}" : sourceName;
        return field.Length == 0 ? $"{where}: {problem}" : $"{where}: {field}: {problem}";
    }
}
