using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Grokking.UiBench;

/// <summary>What one extra page (a plain event-stream reader) received.</summary>
/// <param name="ResetBytes">Of <paramref name="Bytes"/>, those of the snapshot (reset event) a connecting page gets first.</param>
/// <param name="Finished">It saw the sweep finished (and then hung up).</param>
/// <param name="Latencies">Receive time minus the event's <c>t</c> (ms), for every run and sweep event.</param>
public sealed record StreamResult(long Bytes, long ResetBytes, long Events, bool Finished, List<double> Latencies, double Seconds);

/// <summary>
/// An extra connected page without a browser: reads <c>/api/sweeps/NAME/events</c> as EventSource does, counting the
/// bytes and events it receives, until a sweep event (or a snapshot) says the sweep finished.
/// </summary>
public static class StreamClient
{
    /// <param name="after">An event id to resume after (?after=): the events the server's log still holds after it.</param>
    public static async Task<StreamResult> ReadToEndAsync(HttpClient http, string sweep, CancellationToken cancellation, string? after = null)
    {
        var clock = Stopwatch.StartNew();
        var path = $"api/sweeps/{sweep}/events" + (after is null ? "" : "?after=" + Uri.EscapeDataString(after));
        using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellation);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellation), Encoding.UTF8);
        long bytes = 0, resetBytes = 0, eventBytes = 0, events = 0;
        bool finished = false;
        var latencies = new List<double>();
        string? kind = null, data = null;
        while (!finished && await reader.ReadLineAsync(cancellation) is { } line)
        {
            int lineBytes = Encoding.UTF8.GetByteCount(line) + 1; // the server ends lines with \n alone
            bytes += lineBytes;
            eventBytes += lineBytes;
            if (line.Length > 0)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal)) kind = line[7..];
                else if (line.StartsWith("data: ", StringComparison.Ordinal)) data = line[6..];
                continue;
            }
            if (kind is null || data is null)
            {
                eventBytes = 0; // the retry line or a keep-alive comment
                continue;
            }
            events++;
            if (kind == "reset") resetBytes += eventBytes;
            eventBytes = 0;
            if (kind is "run" or "sweep" && SentAt(data) is { } sent)
                latencies.Add(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - sent);
            if (kind is "sweep" or "reset")
            {
                using var json = JsonDocument.Parse(data); // a sweep event and a snapshot both carry the counts as "sweep"
                finished = json.RootElement.GetProperty("sweep").GetProperty("finished").GetBoolean();
            }
            kind = data = null;
        }
        return new StreamResult(bytes, resetBytes, events, finished, latencies, clock.Elapsed.TotalSeconds);
    }

    // Every run and sweep event's data starts {"t":MS,...: read the number without parsing the rest.
    private static long? SentAt(string data)
    {
        const string prefix = "{\"t\":";
        if (!data.StartsWith(prefix, StringComparison.Ordinal)) return null;
        int end = data.IndexOf(',', prefix.Length);
        return end > 0 && long.TryParse(data.AsSpan(prefix.Length, end - prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var t) ? t : null;
    }
}
