using System.Text;

namespace Grokking.Grains.Specs;

/// <summary>User text as error messages show it: quoted, on one line, and short whatever was written.</summary>
internal static class SpecText
{
    /// <summary>Longest piece of a user's value an error message repeats.</summary>
    public const int MaxShown = 60;

    /// <summary>
    /// <paramref name="text"/> in single quotes, control characters escaped (a newline shows as \n, so a message stays
    /// one line) and cut to <see cref="MaxShown"/> characters with the full length noted, so a 1 MB name gives a short
    /// message that still shows which value was meant.
    /// </summary>
    public static string Shown(string text)
    {
        var shown = new StringBuilder("'");
        foreach (var c in text.Length > MaxShown ? text[..MaxShown] : text)
            shown.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        shown.Append(text.Length > MaxShown ? $"...' ({text.Length:N0} characters)" : "'");
        return shown.ToString();
    }

    /// <summary>A whole message made safe to print as one line: control characters escaped, at most 1,000 characters.</summary>
    public static string OneLine(string message)
    {
        const int max = 1000;
        var line = new StringBuilder(Math.Min(message.Length, max + 20));
        foreach (var c in message)
        {
            if (line.Length >= max)
            {
                line.Append("... (message cut)");
                break;
            }
            line.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                _ when char.IsControl(c) && c != '\t' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }
        return line.ToString();
    }
}
