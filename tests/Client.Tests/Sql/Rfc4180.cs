using System.Text;

namespace Grokking.Client.Tests.Sql;

/// <summary>A strict RFC 4180 reader, so a test reads `--csv` output the way a spreadsheet or csv module would.</summary>
internal static class Rfc4180
{
    /// <summary>The records of <paramref name="csv"/>; an unquoted empty field is null, a quoted empty one "".</summary>
    public static List<string?[]> Parse(string csv)
    {
        var records = new List<string?[]>();
        var fields = new List<string?>();
        var field = new StringBuilder();
        bool quoted = false, wasQuoted = false;
        for (var i = 0; i < csv.Length; i++)
        {
            var c = csv[i];
            if (quoted)
            {
                if (c != '"') field.Append(c);
                else if (i + 1 < csv.Length && csv[i + 1] == '"') field.Append(csv[++i]);
                else quoted = false;
            }
            else if (c == '"')
            {
                if (field.Length > 0 || wasQuoted) throw new FormatException($"quote inside an unquoted field at {i}");
                quoted = wasQuoted = true;
            }
            else if (c == ',') EndField();
            else if (c == '\r')
            {
                if (i + 1 >= csv.Length || csv[i + 1] != '\n') throw new FormatException($"CR without LF at {i}");
                EndField();
                records.Add([.. fields]);
                fields.Clear();
                i++;
            }
            else if (c == '\n') throw new FormatException($"bare LF outside quotes at {i}; RFC 4180 ends records with CRLF");
            else if (wasQuoted) throw new FormatException($"text after a closing quote at {i}");
            else field.Append(c);
        }
        if (quoted) throw new FormatException("unterminated quoted field");
        if (field.Length > 0 || fields.Count > 0) throw new FormatException("last record does not end with CRLF");
        return records;

        void EndField()
        {
            fields.Add(field.Length == 0 && !wasQuoted ? null : field.ToString());
            field.Clear();
            wasQuoted = false;
        }
    }
}
