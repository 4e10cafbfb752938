using System.Security.Cryptography;
using System.Text;

namespace Grokking.Grains.Storage;

/// <summary>Turns state names, grain types and grain keys into single, safe, distinct file-name segments.</summary>
/// <remarks>
/// ASCII letters, digits, '-', '_' and a non-leading '.' stay as they are; every other UTF-8 byte becomes %XX.
/// So '/', ':' and '=' can neither add folders nor clash, '.' and '..' cannot climb, and no segment starts
/// with '.', which leaves dot-names free for temp files.
/// </remarks>
internal static class StateFileName
{
    // Linux allows 255 bytes per name; leave room for ".json" and the temp file's ".<guid>.tmp" around it.
    private const int MaxSegmentLength = 200;
    private const int KeptPrefixLength = 160;

    /// <summary>The escaped form of <paramref name="value"/>; a long one is cut and suffixed with '~' and a hash of the whole value.</summary>
    public static string Escape(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        var bytes = Encoding.UTF8.GetBytes(value);
        var escaped = new StringBuilder(bytes.Length);
        for (int i = 0; i < bytes.Length; i++)
        {
            byte b = bytes[i];
            char c = (char)b;
            bool keep = b < 0x80 && (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' || (c == '.' && i > 0));
            if (keep) escaped.Append(c);
            else escaped.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        if (escaped.Length <= MaxSegmentLength) return escaped.ToString();
        // '~' is always escaped above, so a shortened name cannot equal the full name of another value.
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes))[..32];
        return escaped.ToString(0, KeptPrefixLength) + "~" + hash;
    }
}
