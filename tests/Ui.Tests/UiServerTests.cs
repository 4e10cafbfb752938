using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Grokking.Client.Ui;

namespace Grokking.Ui.Tests;

/// <summary>The live view's server over real HTTP (Kestrel on a free port), fed by a source the test scripts.</summary>
public sealed class UiServerTests
{
    private static async Task<(UiServer Server, ScriptedSource Source, HttpClient Http)> StartAsync(UiServerOptions? options = null, string? folder = null)
    {
        var source = new ScriptedSource("s", folder);
        var server = await UiServer.StartAsync(source, options ?? new UiServerOptions(Port: 0));
        var port = server.Url.Port;
        return (server, source, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) });
    }

    private static async Task<SseReader> OpenAsync(HttpClient http, string? lastEventId)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "api/sweeps/s/events");
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new SseReader(await response.Content.ReadAsStreamAsync());
    }

    [Fact]
    public async Task A_stream_starts_with_the_whole_sweep_and_a_reconnect_gets_exactly_the_events_it_missed()
    {
        var (server, source, http) = await StartAsync();
        await using var _ = server;
        using var __ = http;

        string lastId;
        using (var stream = await OpenAsync(http, null))
        {
            var reset = await stream.NextAsync(TimeSpan.FromSeconds(10));
            Assert.Equal("reset", reset.Kind);
            var snapshot = JsonDocument.Parse(reset.Data).RootElement;
            Assert.Equal(4, snapshot.GetProperty("runs").GetArrayLength());
            Assert.Equal("lr", snapshot.GetProperty("axes")[0].GetProperty("name").GetString());

            source.Set(0, r => r with { Status = "running", Step = 10, ValAcc = 0.25 });
            var run = await NextRunAsync(stream);
            Assert.Equal("r0000000000000000", run.GetProperty("run").GetProperty("id").GetString());
            Assert.Equal("running", run.GetProperty("run").GetProperty("st").GetString());
            lastId = run.GetProperty("id").GetString()!;
        } // the page goes away

        // Three runs change while no page listens.
        source.Set(1, r => r with { Status = "running", Step = 1 });
        source.Set(2, r => r with { Status = "running", Step = 2 });
        source.Set(0, r => r with { Status = "done", Step = 100, Phase = "grokking", Metrics = new Dictionary<string, double?> { ["final_val_acc"] = 1.0 } });
        await WaitUntilAsync(async () => (await SnapshotAsync(http)).GetProperty("snapshot").GetProperty("runs")[0].GetProperty("st").GetString() == "done");

        using var resumed = await OpenAsync(http, lastId);
        var seen = new List<Sse>();
        var lastServerId = (await SnapshotAsync(http)).GetProperty("lastEventId").GetString();
        while (seen.Count == 0 || seen[^1].Id != lastServerId) seen.Add(await resumed.NextAsync(TimeSpan.FromSeconds(10)));
        Assert.DoesNotContain(seen, e => e.Kind == "reset");
        var ids = seen.Select(e => long.Parse(e.Id!.Split('-')[1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var first = long.Parse(lastId.Split('-')[1], System.Globalization.CultureInfo.InvariantCulture) + 1;
        Assert.Equal(Enumerable.Range(0, ids.Count).Select(k => first + k), ids); // consecutive, from the one after the last seen
        var runsSeen = seen.Where(e => e.Kind == "run").Select(e => JsonDocument.Parse(e.Data).RootElement.GetProperty("run"))
            .Select(r => r.GetProperty("id").GetString() + ":" + r.GetProperty("st").GetString()).ToList();
        Assert.Equal(["r0000000000000000:done", "r0000000000000001:running", "r0000000000000002:running"], runsSeen.Order());
    }

    private static async Task<JsonElement> NextRunAsync(SseReader stream)
    {
        while (true)
        {
            var e = await stream.NextAsync(TimeSpan.FromSeconds(10));
            if (e.Kind != "run") continue;
            var data = JsonDocument.Parse(e.Data).RootElement;
            return JsonDocument.Parse($$"""{"id": "{{e.Id}}", "run": {{data.GetProperty("run").GetRawText()}}}""").RootElement;
        }
    }

    private static async Task<JsonElement> SnapshotAsync(HttpClient http) => JsonDocument.Parse(await http.GetStringAsync("api/sweeps/s")).RootElement;

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 10 s");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Bound_wider_than_loopback_it_answers_only_with_the_token_then_by_cookie()
    {
        var (server, _, http) = await StartAsync(new UiServerOptions("0.0.0.0", 0));
        await using var _ = server;
        using var __ = http;
        var token = System.Web.HttpUtility.ParseQueryString(server.Url.Query)["token"];
        Assert.False(string.IsNullOrEmpty(token), "no token in the printed address: " + server.Url);
        Assert.Equal(32, token!.Length);

        var refused = await http.GetAsync("api/sweeps");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("token required", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("api/sweeps?token=" + new string('0', 32))).StatusCode);

        var admitted = await http.GetAsync("?token=" + token);
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        var cookie = admitted.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        var withCookie = new HttpRequestMessage(HttpMethod.Get, "api/sweeps");
        withCookie.Headers.Add("Cookie", cookie.Split(';')[0]);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(withCookie)).StatusCode);
    }

    [Fact]
    public async Task On_loopback_it_refuses_requests_addressed_to_another_host_name()
    {
        var (server, _, http) = await StartAsync();
        await using var _ = server;
        using var __ = http;
        var rebound = new HttpRequestMessage(HttpMethod.Get, "api/sweeps");
        rebound.Headers.Host = "attacker.example";
        var response = await http.SendAsync(rebound);
        Assert.Equal((HttpStatusCode)421, response.StatusCode);
        Assert.Contains("only to 127.0.0.1 or localhost", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("api/sweeps")).StatusCode);
    }

    [Fact]
    public async Task Unknown_sweeps_runs_and_files_get_a_404_that_names_what_exists()
    {
        var (server, _, http) = await StartAsync();
        await using var _ = server;
        using var __ = http;
        var sweep = await http.GetAsync("api/sweeps/nope");
        Assert.Equal(HttpStatusCode.NotFound, sweep.StatusCode);
        Assert.Equal("no sweep named 'nope' here; sweeps: s", JsonDocument.Parse(await sweep.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());

        var run = await http.GetAsync("api/sweeps/s/runs/..%2F..%2Fetc/curves");
        Assert.Equal(HttpStatusCode.NotFound, run.StatusCode);
        Assert.Contains("has no run", await run.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var noFolder = await http.GetAsync("api/sweeps/s/runs/r0000000000000000/curves");
        Assert.Equal(HttpStatusCode.NotFound, noFolder.StatusCode);
        Assert.Contains("no output folder here", await noFolder.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("static/../UiServer.cs")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("static/nothing.js")).StatusCode);
    }

    [Fact]
    public async Task A_run_whose_parquet_cannot_be_read_gets_an_error_naming_it_not_a_bare_500()
    {
        var folder = Path.Combine(Path.GetTempPath(), "grokking-ui-damaged-" + Guid.NewGuid().ToString("N"));
        try
        {
            var runFolder = Grokking.Grains.Storage.OutputLayout.RunFolderIn(folder, Grokking.Grains.Storage.OutputLayout.MetricsDataset, "r0000000000000000");
            Directory.CreateDirectory(runFolder);
            await File.WriteAllTextAsync(Path.Combine(runFolder, Grokking.Grains.Storage.OutputLayout.SegmentFileName(1)), "not parquet");
            var (server, _, http) = await StartAsync(folder: folder);
            await using var _ = server;
            using var __ = http;
            var response = await http.GetAsync("api/sweeps/s/runs/r0000000000000000/curves");
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString();
            Assert.StartsWith("run r0000000000000000's Parquet files cannot be read (", error, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task The_page_and_its_pinned_charting_library_are_served_from_the_tool_itself()
    {
        var (server, _, http) = await StartAsync();
        await using var _ = server;
        using var __ = http;
        var page = await http.GetStringAsync("");
        // Offline: nothing the page loads comes from another host.
        Assert.DoesNotMatch(@"(src|href)=""(https?:)?//", page);
        Assert.Contains("/static/vendor/plotly-basic-3.7.0.min.js", page, StringComparison.Ordinal);
        var library = await http.GetByteArrayAsync("static/vendor/plotly-basic-3.7.0.min.js");
        // The vendored file, unmodified (vendor/README.txt says where it came from).
        Assert.Equal("c23b03591a6bdad0bd0f47a0c5c52305a5519812b73ce254be65cd841553c9c2", Convert.ToHexString(SHA256.HashData(library)).ToLowerInvariant());
        var script = await http.GetAsync("static/app.js");
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
    }
}
