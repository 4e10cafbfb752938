using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Grokking.Grains.Specs;

/// <summary>Remembers where the last YAML event started, because some malformed inputs make YamlDotNet throw without a position.</summary>
internal sealed class TrackingParser(IParser inner) : IParser
{
    /// <summary>Start of the last event read, or null before the first.</summary>
    public Mark? Last { get; private set; }

    public ParsingEvent? Current => inner.Current;

    public bool MoveNext()
    {
        var moved = inner.MoveNext();
        if (inner.Current is { } e) Last = e.Start;
        return moved;
    }
}
