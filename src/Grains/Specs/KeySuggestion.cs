namespace Grokking.Grains.Specs;

/// <summary>Messages for misspelt keys: the nearest accepted key (when close) and the full accepted list.</summary>
internal static class KeySuggestion
{
    /// <summary>E.g. <c>unknown key; did you mean 'operation'? Accepted: kind, operation, ...</c>.</summary>
    public static string Unknown(string key, IEnumerable<string> accepted, string what = "key", IEnumerable<string>? listed = null)
    {
        var candidates = accepted.Distinct(StringComparer.Ordinal).ToList();
        var nearest = Nearest(key, candidates);
        var hint = nearest is null ? "" : $"; did you mean '{nearest}'?";
        return $"unknown {what}{hint}{(hint.Length == 0 ? "." : "")} Accepted: {string.Join(", ", listed ?? candidates)}";
    }

    /// <summary>The candidate with the smallest edit distance, if that distance is small for the key's length.</summary>
    public static string? Nearest(string key, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            // A shortened or lengthened key (val_accuracy for val_acc) is as clear a slip as a typo.
            if (Math.Min(key.Length, candidate.Length) >= 3
                && (key.StartsWith(candidate, StringComparison.OrdinalIgnoreCase) || candidate.StartsWith(key, StringComparison.OrdinalIgnoreCase)))
                return candidate;
            int d = Distance(key.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (d < bestDistance) (best, bestDistance) = (candidate, d);
        }
        // A distance of a third of the word still reads as a typo; more is a different word.
        return best is not null && bestDistance <= Math.Max(2, best.Length / 3) && bestDistance < Math.Max(key.Length, 1) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
