using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Grokking.Grains.Specs;

/// <summary>
/// A pass over a spec's YAML events, before any tree is built, that refuses what would make building it blow up:
/// nesting deeper than <see cref="MaxDepth"/> (YamlDotNet builds trees recursively, so 30,000 nested brackets
/// overflow the stack), more than <see cref="MaxNodes"/> nodes once aliases are expanded (a few lines of anchors can
/// stand for billions of nodes), and keys that are not plain scalars (an alias or collection as a mapping key is
/// hashed by value, which takes exponential time on nested aliases). The pass itself is iterative and linear in the
/// text: each anchor's expanded size is counted once, when its node ends, and an alias adds that size.
/// </summary>
internal static class YamlBounds
{
    /// <summary>Deepest nesting of mappings and sequences a spec may use (the real ones use 3 or 4).</summary>
    public const int MaxDepth = 64;

    /// <summary>Most nodes a spec may hold with every alias expanded (a 100,000-point grid axis fits).</summary>
    public const int MaxNodes = 1_000_000;

    /// <summary>Reads every event of <paramref name="parser"/>; null when within bounds, else what is wrong and where.</summary>
    /// <exception cref="YamlException">The text is not YAML (the caller reports syntax errors).</exception>
    public static (string Problem, int Line)? Check(IParser parser)
    {
        long nodes = 0;
        var anchors = new Dictionary<string, long>(StringComparer.Ordinal);
        // One frame per open collection: where its anchor's count started, and for mappings whether the next node is a key.
        var open = new Stack<Frame>();
        while (parser.MoveNext())
        {
            var e = parser.Current!;
            int line = (int)e.Start.Line;
            if (e is not (NodeEvent or AnchorAlias or MappingEnd or SequenceEnd)) continue;
            if (e is MappingEnd or SequenceEnd)
            {
                var closed = open.Pop();
                if (closed.Anchor is { } name) anchors[name] = nodes - closed.NodesBefore;
                Advance(open);
                continue;
            }
            if (open.TryPeek(out var parent) && parent.IsMapping && parent.ExpectingKey && e is not Scalar)
                return ("a mapping key must be a plain name, not " + (e is AnchorAlias ? "an alias (*name)" : "a list or mapping"), line);
            switch (e)
            {
                case AnchorAlias alias:
                    // An unknown alias is a syntax error that the tree builder reports with its position.
                    nodes += anchors.GetValueOrDefault(alias.Value.Value, 1);
                    Advance(open);
                    break;
                case Scalar scalar:
                    nodes++;
                    if (!scalar.Anchor.IsEmpty) anchors[scalar.Anchor.Value] = 1;
                    Advance(open);
                    break;
                case MappingStart or SequenceStart:
                    if (open.Count >= MaxDepth)
                        return ($"nested more than {MaxDepth} levels deep; a spec needs a handful (grid: {{ axis: [values] }})", line);
                    var anchor = ((NodeEvent)e).Anchor;
                    open.Push(new Frame(e is MappingStart, anchor.IsEmpty ? null : anchor.Value, nodes));
                    nodes++;
                    break;
            }
            if (nodes > MaxNodes)
                return ($"expands to more than {MaxNodes:N0} values once its aliases (*name) are repeated; a spec is a few dozen settings and its grid axes", line);
        }
        return null;
    }

    /// <summary>A node just ended inside the innermost open collection: in a mapping, keys and values alternate.</summary>
    private static void Advance(Stack<Frame> open)
    {
        if (open.TryPeek(out var frame) && frame.IsMapping) frame.ExpectingKey = !frame.ExpectingKey;
    }

    private sealed class Frame(bool isMapping, string? anchor, long nodesBefore)
    {
        public bool IsMapping { get; } = isMapping;
        public string? Anchor { get; } = anchor;
        public long NodesBefore { get; } = nodesBefore;
        public bool ExpectingKey { get; set; } = true;
    }
}
