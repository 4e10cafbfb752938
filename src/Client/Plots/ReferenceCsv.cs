using System.Globalization;
using System.Text;

namespace Grokking.Client.Plots;

/// <summary>
/// Reads a published curve for <c>grokking plot --line COLUMN --reference FILE.csv</c>: an RFC 4180 CSV with a header
/// row naming the x axis and COLUMN, and optionally <c>label</c>; one series per distinct label (the file name without
/// extension where the label is empty or absent), its points in x order.
/// </summary>
public static class ReferenceCsv
{
    /// <summary>The header column that names a row's series.</summary>
    public const string LabelColumn = "label";

    private const string Numbers = "a finite number such as 2150, 0.3 or 1e-3";

    /// <summary>Reads <paramref name="path"/>, taking x from column <paramref name="x"/> and y from <paramref name="column"/>.</summary>
    /// <exception cref="PlotInputException">The file is missing or unreadable, lacks either column, or holds a cell that is not a number.</exception>
    public static IReadOnlyList<LineSeries> Read(string path, string x, string column)
    {
        var accepted = $"accepted: a CSV file whose header row names {x} and {column} (and optionally {LabelColumn}), one row per point";
        var records = Records(path, Text(path, accepted), accepted);
        if (records.Count == 0) throw Refusal(path, $"empty, no header row; {accepted}");
        var header = records[0].Fields.Select(f => f.Trim()).ToList();
        var columns = string.Join(", ", header.Select(h => h.Length == 0 ? "(empty)" : h));
        int Find(string name, string role) => header.IndexOf(name) is var i and >= 0 ? i
            : throw Refusal(path, $"no column {name} ({role}); its columns: {columns}; {accepted}");
        var xAt = Find(x, "the --x axis");
        var yAt = Find(column, "the --line column");
        var labelAt = header.IndexOf(LabelColumn);
        if (records.Count == 1) throw Refusal(path, $"no rows under the header; {accepted}");

        var isStep = LinePlan.IsStepColumn(column);
        var fallback = System.IO.Path.GetFileNameWithoutExtension(path);
        var source = System.IO.Path.GetFileName(path);
        var rows = new List<(string Label, LinePoint Point)>();
        foreach (var (line, fields) in records.Skip(1))
        {
            if (fields.Count != header.Count)
                throw Refusal(path, $"line {line} has {fields.Count} fields, the header {header.Count}; {accepted}");
            var xValue = Number(path, line, x, fields[xAt], "")
                ?? throw Refusal(path, $"line {line}, {x}: empty; accepted: {Numbers}");
            var y = Number(path, line, column, fields[yAt], isStep ? ", or an empty cell for a step never reached" : ", or an empty cell for no value");
            // An empty step is a point the authors' run never reached; elsewhere an empty cell says nothing, a gap.
            var kind = y is not null ? LinePointKind.Value : isStep ? LinePointKind.Never : LinePointKind.Missing;
            var label = labelAt >= 0 && fields[labelAt].Trim() is { Length: > 0 } given ? given : fallback;
            rows.Add((label, new LinePoint(xValue, y, kind, $"{source}:{line}")));
        }
        return rows.GroupBy(r => r.Label)
            .Select(g => new LineSeries(g.Key, g.Select(r => r.Point).OrderBy(p => (double)p.X).ToList()))
            .ToList();
    }

    private static string Text(string path, string accepted)
    {
        if (Directory.Exists(path)) throw Refusal(path, $"is a folder; {accepted}");
        if (!File.Exists(path)) throw Refusal(path, $"no such file; {accepted}");
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Refusal(path, $"cannot be read ({e.Message.ReplaceLineEndings(" ")}); {accepted}");
        }
    }

    // A cell's number; null for an empty cell.
    private static double? Number(string path, int line, string column, string cell, string empty)
    {
        var text = cell.Trim();
        if (text.Length == 0) return null;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)) return value;
        throw Refusal(path, $"line {line}, {column}: \"{text}\" is not a number; accepted: {Numbers}{empty}");
    }

    /// <summary>
    /// The records of RFC 4180 text with the line each starts on; CRLF or a bare LF ends a record, and blank lines are
    /// skipped, as spreadsheets and editors write both.
    /// </summary>
    private static List<(int Line, List<string> Fields)> Records(string path, string text, string accepted)
    {
        var records = new List<(int, List<string>)>();
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false, wasQuoted = false;
        int line = 1, start = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n') line++;
            if (quoted)
            {
                if (c != '"') field.Append(c);
                else if (i + 1 < text.Length && text[i + 1] == '"') field.Append(text[++i]);
                else quoted = false;
            }
            else if (c == '"')
            {
                if (field.Length > 0 || wasQuoted) throw Refusal(path, $"line {line}: a quote inside an unquoted field; {accepted} (RFC 4180: quote the whole field, double a quote inside it)");
                quoted = wasQuoted = true;
            }
            else if (c == ',') EndField();
            else if (c is '\r' or '\n')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') continue;
                EndRecord();
                start = line;
            }
            else if (wasQuoted) throw Refusal(path, $"line {line}: text after a closing quote; {accepted} (RFC 4180: quote the whole field)");
            else field.Append(c);
        }
        if (quoted) throw Refusal(path, $"a quoted field from line {start} is never closed; {accepted}");
        EndRecord();
        return records;

        void EndField()
        {
            fields.Add(field.ToString());
            field.Clear();
            wasQuoted = false;
        }

        void EndRecord()
        {
            EndField();
            if (fields.Count > 1 || fields[0].Trim().Length > 0) records.Add((start, [.. fields]));
            fields.Clear();
        }
    }

    private static PlotInputException Refusal(string path, string what) => new($"--reference {path}: {what}");
}
