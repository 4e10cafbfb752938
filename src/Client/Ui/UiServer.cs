using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Grokking.Client.Ui;

/// <summary>Where and how the live view listens.</summary>
/// <param name="Bind">The address to listen on; anything but loopback needs a token.</param>
/// <param name="Port">The port; 0 for any free one.</param>
/// <param name="Token">The secret a page must present (?token=, then a cookie); generated when binding wider than loopback.</param>
public sealed record UiServerOptions(string Bind = UiServerOptions.Loopback, int Port = UiServerOptions.DefaultPort, string? Token = null)
{
    public const string Loopback = "127.0.0.1";
    public const int DefaultPort = 8787;

    public IPAddress Address => Bind == "localhost" ? IPAddress.Loopback : IPAddress.Parse(Bind);

    public bool IsLoopback => IPAddress.IsLoopback(Address);
}

/// <summary>
/// The live web view (<c>grokking ui</c>, <c>grokking run --ui</c>): a page of static files, the sweeps as JSON, and
/// per sweep a stream of server-sent events (one per run that changed) that a reconnecting page resumes by event id.
/// </summary>
public sealed partial class UiServer : IAsyncDisposable
{
    private const string TokenCookie = "grokking_ui";
    private static readonly Assembly Assets = typeof(UiServer).Assembly;

    private readonly WebApplication _app;
    private readonly ISweepSource _source;
    private readonly ConcurrentDictionary<string, Lazy<SweepFeed>> _feeds = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _logger;
    private readonly string? _token;
    private long _pages, _eventsSent, _bytesSent;

    private UiServer(WebApplication app, ISweepSource source, string? token, ILogger logger)
    {
        _app = app;
        _source = source;
        _token = token;
        _logger = logger;
    }

    /// <summary>The address a browser opens (with the token, when one is needed).</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Pages connected to an event stream now.</summary>
    public long ConnectedPages => Interlocked.Read(ref _pages);

    /// <summary>Events and bytes sent to pages since start (the server's cost per page).</summary>
    public (long Events, long Bytes) Sent => (Interlocked.Read(ref _eventsSent), Interlocked.Read(ref _bytesSent));

    /// <exception cref="UiStartException">The address is taken or cannot be bound.</exception>
    public static async Task<UiServer> StartAsync(ISweepSource source, UiServerOptions options, ILogger? logger = null)
    {
        var token = options.Token ?? (options.IsLoopback ? null : Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant());
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(options.Address, options.Port));
        builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var app = builder.Build();
        var server = new UiServer(app, source, token, logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        server.Map(options);
        try
        {
            await app.StartAsync();
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            throw new UiStartException($"the live view cannot listen on {options.Bind}:{options.Port} ({e.GetBaseException().Message.TrimEnd('.')}); pass another --port, or --port 0 for any free one.", e);
        }
        var port = new Uri(app.Urls.First()).Port;
        var host = options.IsLoopback ? "127.0.0.1" : Dns.GetHostName();
        server.Url = new Uri($"http://{host}:{port}/" + (token is null ? "" : "?token=" + token));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2))) await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private void Map(UiServerOptions options)
    {
        _app.Use(async (context, next) =>
        {
            if (Refusal(context, options) is { } refusal)
            {
                context.Response.StatusCode = refusal.Code;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync(refusal.Message + "\n");
                return;
            }
            await next(context);
        });
        _app.MapGet("/", context => Asset(context, "index.html"));
        _app.MapGet("/static/{*file}", (HttpContext context, string file) => Asset(context, file));
        _app.MapGet("/api/sweeps", async context =>
        {
            var names = await _source.SweepsAsync(context.RequestAborted);
            var sweeps = new List<UiSweep>();
            foreach (var name in names) sweeps.Add((await ReadyFeedAsync(name)).Summary);
            await Json(context, 200, sweeps);
        });
        _app.MapGet("/api/sweeps/{name}", async (HttpContext context, string name) =>
        {
            if (await FeedOrNotFoundAsync(context, name) is not { } feed) return;
            // The snapshot's JSON as the event stream's reset frame carries it, serialized once per state.
            var reset = feed.SnapshotEvent();
            context.Response.ContentType = "application/json; charset=utf-8";
            context.Response.Headers.CacheControl = "no-store";
            await context.Response.WriteAsync($"{{\"lastEventId\":{System.Text.Json.JsonSerializer.Serialize(reset.Id)},\"snapshot\":{reset.Json}}}");
        });
        _app.MapGet("/api/sweeps/{name}/events", async (HttpContext context, string name) =>
        {
            if (await FeedOrNotFoundAsync(context, name) is not { } feed) return;
            await StreamAsync(context, feed);
        });
        _app.MapGet("/api/sweeps/{name}/runs/{runId}/curves", async (HttpContext context, string name, string runId) =>
        {
            if (await FeedOrNotFoundAsync(context, name) is not { } feed) return;
            if (!RunIdPattern().IsMatch(runId) || !feed.HasRun(runId))
            {
                await Json(context, 404, new { error = $"sweep {name} has no run '{runId}'" });
                return;
            }
            if (_source.SweepFolder(name) is not { } folder || !Directory.Exists(folder))
            {
                await Json(context, 404, new { error = "no output folder here: start grokking ui with the sweep's output folder to see curves" });
                return;
            }
            UiCurves curves;
            try
            {
                curves = RunCurves.Read(folder, runId);
            }
            catch (DuckDB.NET.Data.DuckDBException e)
            {
                // A damaged or foreign file in the run's folder: say which run, and what DuckDB said, not a bare 500.
                await Json(context, 500, new { error = $"run {runId}'s Parquet files cannot be read ({e.Message.Split('\n')[0].TrimEnd('.')})" });
                return;
            }
            await Json(context, 200, curves);
        });
    }

    // Loopback: only requests addressed to this machine by a loopback name (a web page elsewhere cannot reach it by DNS
    // rebinding). Wider: only with the token, given once as ?token= and then kept in a cookie.
    private (int Code, string Message)? Refusal(HttpContext context, UiServerOptions options)
    {
        if (options.IsLoopback && context.Request.Host.Host is not ("127.0.0.1" or "localhost" or "[::1]" or "::1"))
            return (421, $"this live view answers only to 127.0.0.1 or localhost, not to {context.Request.Host.Host}");
        if (_token is null) return null;
        var given = context.Request.Query["token"].FirstOrDefault();
        if (given is not null && SameSecret(given, _token))
        {
            context.Response.Cookies.Append(TokenCookie, _token, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict });
            return null;
        }
        if (context.Request.Cookies.TryGetValue(TokenCookie, out var cookie) && SameSecret(cookie, _token)) return null;
        return (401, "token required: open the address grokking ui printed (it ends in ?token=...)");
    }

    private static bool SameSecret(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private async Task StreamAsync(HttpContext context, SweepFeed feed)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        var aborted = context.RequestAborted;
        // A reconnecting EventSource names the last event it applied in Last-Event-ID; a first connection may name it as ?after=.
        string? last = context.Request.Headers["Last-Event-ID"].FirstOrDefault() ?? context.Request.Query["after"].FirstOrDefault();
        Interlocked.Increment(ref _pages);
        try
        {
            await WriteAsync(response, "retry: 1000\n\n"u8.ToArray(), aborted);
            while (!aborted.IsCancellationRequested)
            {
                long seq;
                var events = feed.After(last);
                if (events is null)
                {
                    var reset = feed.SnapshotEvent();
                    await SendAsync(response, reset, aborted);
                    (last, seq) = (reset.Id, reset.Seq);
                }
                else
                {
                    foreach (var e in events) await SendAsync(response, e, aborted);
                    if (events.Count > 0) last = events[^1].Id;
                    feed.TryParse(last, out seq);
                }
                await response.Body.FlushAsync(aborted);
                feed.Touch();
                var next = feed.WaitAfterAsync(seq);
                using var quiet = CancellationTokenSource.CreateLinkedTokenSource(aborted);
                var heartbeat = Task.Delay(TimeSpan.FromSeconds(15), quiet.Token);
                var woken = await Task.WhenAny(next, heartbeat);
                await quiet.CancelAsync(); // no timer left behind per wake
                if (woken != next)
                {
                    aborted.ThrowIfCancellationRequested();
                    await WriteAsync(response, ": still here\n\n"u8.ToArray(), aborted); // keeps proxies from closing an idle stream
                }
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The page went away.
        }
        catch (IOException)
        {
            // The connection broke; the page reconnects with its last event id.
        }
        finally
        {
            Interlocked.Decrement(ref _pages);
        }
    }

    private async Task SendAsync(HttpResponse response, FeedEvent e, CancellationToken cancellation)
    {
        await WriteAsync(response, e.Frame, cancellation);
        Interlocked.Increment(ref _eventsSent);
    }

    private async Task WriteAsync(HttpResponse response, byte[] bytes, CancellationToken cancellation)
    {
        await response.Body.WriteAsync(bytes, cancellation);
        Interlocked.Add(ref _bytesSent, bytes.Length);
    }

    private async Task<SweepFeed?> FeedOrNotFoundAsync(HttpContext context, string name)
    {
        var names = await _source.SweepsAsync(context.RequestAborted);
        if (names.Contains(name)) return await ReadyFeedAsync(name);
        await Json(context, 404, new { error = $"no sweep named '{name}' here; sweeps: {(names.Count == 0 ? "none yet" : string.Join(", ", names))}" });
        return null;
    }

    // One feed per sweep, following its source from the first request until the server stops; a new feed is given a
    // few seconds for its first reading so the first page shows the sweep rather than an empty frame.
    private async Task<SweepFeed> ReadyFeedAsync(string name)
    {
        var feed = _feeds.GetOrAdd(name, n => new Lazy<SweepFeed>(() =>
        {
            var created = new SweepFeed(n, _source.SweepFolder(n) is not null);
            _ = Task.Run(() => created.FollowAsync(_source, _logger, _stopping.Token));
            return created;
        })).Value;
        feed.Touch();
        for (int i = 0; i < 50 && !feed.HasState; i++) await Task.Delay(100);
        return feed;
    }

    private static async Task Json<T>(HttpContext context, int code, T value)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync(UiJson.Write(value));
    }

    private static async Task Asset(HttpContext context, string file)
    {
        using var stream = file.Contains("..", StringComparison.Ordinal) ? null : Assets.GetManifestResourceStream("ui/" + file);
        if (stream is null)
        {
            context.Response.StatusCode = 404;
            await context.Response.WriteAsync($"no file {file}\n");
            return;
        }
        context.Response.ContentType = Path.GetExtension(file) switch
        {
            ".html" => "text/html; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            ".txt" => "text/plain; charset=utf-8",
            _ => "application/octet-stream",
        };
        context.Response.Headers.CacheControl = file.StartsWith("vendor/", StringComparison.Ordinal) ? "public, max-age=86400" : "no-cache";
        context.Response.ContentLength = stream.Length;
        await stream.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex RunIdPattern();
}

/// <summary>The live view could not start (its port is taken, or its address is not this machine's).</summary>
public sealed class UiStartException(string message, Exception inner) : Exception(message, inner);
