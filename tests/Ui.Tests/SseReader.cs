using System.Text;

namespace Grokking.Ui.Tests;

/// <summary>One server-sent event as a client parses it.</summary>
public sealed record Sse(string? Id, string Kind, string Data);

/// <summary>Reads server-sent events from a response stream, as EventSource does (comments skipped).</summary>
public sealed class SseReader(Stream stream) : IDisposable
{
    private readonly StreamReader _reader = new(stream, Encoding.UTF8);

    public async Task<Sse> NextAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        string? id = null, kind = null;
        var data = new StringBuilder();
        while (true)
        {
            var line = await _reader.ReadLineAsync(cancel.Token) ?? throw new EndOfStreamException("the event stream ended");
            if (line.Length == 0)
            {
                if (kind is null && data.Length == 0) continue; // a comment or retry: line only
                return new Sse(id, kind ?? "message", data.ToString());
            }
            if (line.StartsWith(':')) continue;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var (field, value) = colon < 0 ? (line, "") : (line[..colon], line[(colon + 1)..].TrimStart(' '));
            switch (field)
            {
                case "id": id = value; break;
                case "event": kind = value; break;
                case "data": data.Append(value); break;
            }
        }
    }

    public void Dispose() => _reader.Dispose();
}
