using Xunit.Abstractions;
using System.Text.Json;
using Microsoft.Playwright;

namespace Grokking.Ui.Tests;

/// <summary>
/// The live view in a real browser: a real `grokking run --ui` trains (or no-ops) a sweep while headless chromium
/// watches the page. What the tests read back is what the chart holds (window.grokking.rendered(): the status of
/// every cell in Plotly's data), not only the page's model.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class LiveViewBrowserTests(Browser browser, ITestOutputHelper output)
{
    // Four small real trainings, one at a time, so cells change state one after another while the page watches.
    private const string Grid = """
        name: live2d
        seed: 0
        task: { kind: modular, operation: "x+y", modulus: 11, train_fraction: 0.5 }
        model: { kind: mlp, depth: 1, width: 16 }
        optimizer: { lr: 3e-3, weight_decay: 1.0 }
        training: { steps: 2000, batch_size: full, eval_every: 50, rank_every: 500, checkpoint_every: 1000 }
        grid:
          lr: [1e-3, 1e-2]
          weight_decay: [0.1, 1.0]
        """;

    [Fact]
    public async Task Cells_fill_in_as_runs_finish_and_a_click_shows_the_runs_curves_while_axes_and_zoom_survive_updates()
    {
        await using var sweep = await LiveSweep.StartAsync("live2d", Grid);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(sweep.Url.ToString());
        await page.EvaluateAsync("() => { window.__sameDocument = true; }");

        // Watch the chart: every status each cell shows, sampled until all four are done.
        var seen = new Dictionary<string, List<string>>();
        bool zoomed = false;
        double[]? zoom = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            var rendered = await page.EvaluateAsync<Dictionary<string, string>>("() => window.grokking.rendered()");
            foreach (var (run, status) in rendered)
            {
                var list = seen.TryGetValue(run, out var l) ? l : seen[run] = [];
                if (list.Count == 0 || list[^1] != status) list.Add(status);
            }
            if (!zoomed && rendered.Count == 4 && rendered.Values.Any(s => s == "done") && rendered.Values.Any(s => s != "done"))
            {
                // A user zooms by dragging a box over the plot while runs are still changing.
                zoom = await DragZoomAsync(page);
                zoomed = true;
            }
            if (rendered.Count == 4 && rendered.Values.All(s => s == "done")) break;
            Assert.True(DateTime.UtcNow < deadline, "the sweep did not finish in the page within 3 minutes:\n" + sweep.Output);
            await Task.Delay(100);
        }
        output.WriteLine("statuses each cell showed: " + string.Join("; ", seen.Select(p => $"{p.Key}: {string.Join(" > ", p.Value)}")));
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page reloaded");
        Assert.Equal(4, seen.Count);
        // Cells changed state in place: every cell ended done, and at least two were seen unfinished first (runs go one
        // at a time, about 2 s each; the first may be done before the page opens).
        Assert.True(seen.Values.Count(s => s.Count > 1 && s[^1] == "done") >= 2,
            "fewer than two cells were seen changing to done without a reload: " + string.Join("; ", seen.Select(p => $"{p.Key}: {string.Join(" > ", p.Value)}")));
        Assert.True(zoomed, "no moment with some cells done and some not, to zoom in");

        // The zoom the user chose survived the updates that arrived after it.
        var range = await page.EvaluateAsync<double[]>("() => document.getElementById('diagram').layout.xaxis.range");
        Assert.Equal(zoom![0], range[0], 6);
        Assert.Equal(zoom[1], range[1], 6);

        // Done cells are coloured by phase: the legend names phases, not statuses.
        var legend = await page.EvaluateAsync<string[]>("() => document.getElementById('diagram').data.filter(d => d.showlegend).map(d => d.name)");
        Assert.Contains(legend, name => name is "comprehension" or "grokking" or "memorization" or "confusion");

        // A click on a cell opens its run: title, and accuracy and loss curves read from the Parquet dataset.
        await page.EvaluateAsync("() => Plotly.relayout('diagram', { 'xaxis.autorange': true, 'yaxis.autorange': true })");
        var runId = (await page.EvaluateAsync<Dictionary<string, string>>("() => window.grokking.rendered()")).Keys.Order().First();
        await ClickCellAsync(page, runId);
        await Assertions.Expect(page.Locator("#run-title")).ToHaveTextAsync("run " + runId);
        await page.WaitForFunctionAsync("() => window.grokking.curves() && document.getElementById('curves-acc').data && document.getElementById('curves-acc').data.length === 2");
        var steps = await page.EvaluateAsync<long[]>("() => window.grokking.curves().evals.map(e => e.step)");
        // After the first step and every 50 steps, as specified, read back from Parquet.
        Assert.Equal([1L, .. Enumerable.Range(1, 2000 / 50).Select(k => 50L * k)], steps);
        var layers = await page.EvaluateAsync<int>("() => document.getElementById('layers-rank').data.length");
        Assert.True(layers >= 1, "no per-layer feature rank drawn");

        // Another pair of axes: weight decay across, lr up; the choice is the user's and stays.
        await page.SelectOptionAsync("#x-axis", "1");
        Assert.Equal("weight_decay", await page.EvaluateAsync<string>("() => document.getElementById('diagram')._fullLayout.xaxis.title.text.split(' ')[0]"));
        await ScreenshotAsync(page, "live2d");
    }

    [Fact]
    public async Task A_one_axis_sweep_shows_a_strip_of_cells_and_a_threshold_metric_against_the_axis()
    {
        await using var sweep = await LiveSweep.StartAsync("line1d", """
            name: line1d
            task: { kind: modular, operation: "x+y", modulus: 11, train_fraction: 0.6 }
            model: { kind: mlp, depth: 1, width: 32 }
            optimizer: { lr: 1e-2, weight_decay: 1.0 }
            training: { steps: 300, batch_size: full, eval_every: 20, rank_every: 100, checkpoint_every: 100 }
            grid:
              weight_decay: [0.0, 0.5, 1.0]
            """, slots: 2);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(sweep.Url.ToString());
        await page.WaitForFunctionAsync("() => Object.values(window.grokking.rendered()).filter(s => s === 'done').length === 3", null,
            new PageWaitForFunctionOptions { Timeout = 180_000 });
        // The value drawn is a threshold metric, named in the control and the title; the strip holds one cell per run.
        Assert.Equal("step_val_99", await page.InputValueAsync("#colour"));
        Assert.Equal("(none: line plot)", await page.EvaluateAsync<string>("() => document.querySelector('#y-axis').selectedOptions[0].textContent"));
        var strip = await page.EvaluateAsync<int>("() => document.getElementById('diagram').data.filter(d => d.fill === 'toself').reduce((n, d) => n + d.x.filter(v => v === null).length, 0)");
        Assert.Equal(3, strip);
        // Click a cell of the strip: its run opens.
        var runId = (await page.EvaluateAsync<Dictionary<string, string>>("() => window.grokking.rendered()")).Keys.Order().First();
        await ClickCellAsync(page, runId);
        await Assertions.Expect(page.Locator("#run-title")).ToHaveTextAsync("run " + runId);
        await page.WaitForFunctionAsync("() => window.grokking.curves() && window.grokking.curves().evals.length === 16");
        await ScreenshotAsync(page, "line1d");
    }

    /// <summary>As a user does: points at the run's cell (its label shows), then clicks.</summary>
    private static async Task ClickCellAsync(IPage page, string runId)
    {
        var centre = await page.EvaluateAsync<JsonElement>($"() => window.grokking.cellCentre('{runId}')");
        float x = centre.GetProperty("x").GetSingle(), y = centre.GetProperty("y").GetSingle();
        await page.Mouse.MoveAsync(x, y, new MouseMoveOptions { Steps = 5 });
        await page.WaitForFunctionAsync($"() => (document.getElementById('diagram')._hoverdata || []).some(p => p.customdata && p.customdata[0] === '{runId}')");
        await page.Mouse.ClickAsync(x, y);
    }

    private static async Task<double[]> DragZoomAsync(IPage page)
    {
        var box = await page.EvaluateAsync<JsonElement>("""
            () => { const gd = document.getElementById('diagram'), r = gd.getBoundingClientRect(), xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
                    return { left: r.left + xa._offset, top: r.top + ya._offset, width: xa._length, height: ya._length }; }
            """);
        float left = box.GetProperty("left").GetSingle(), top = box.GetProperty("top").GetSingle();
        float width = box.GetProperty("width").GetSingle(), height = box.GetProperty("height").GetSingle();
        await page.Mouse.MoveAsync(left + 0.2f * width, top + 0.2f * height);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(left + 0.5f * width, top + 0.5f * height, new MouseMoveOptions { Steps = 8 });
        await page.Mouse.MoveAsync(left + 0.8f * width, top + 0.8f * height, new MouseMoveOptions { Steps = 8 });
        await page.Mouse.UpAsync();
        return await page.EvaluateAsync<double[]>("() => document.getElementById('diagram').layout.xaxis.range");
    }

    /// <summary>Saves a screenshot under the test output (GROKKING_SCREENSHOTS names a folder to keep them in).</summary>
    internal static async Task ScreenshotAsync(IPage page, string name)
    {
        var folder = Environment.GetEnvironmentVariable("GROKKING_SCREENSHOTS") is { Length: > 0 } f ? f : Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png") });
    }
}

/// <summary>The event stream cut mid-sweep by a real network failure: the page reconnects, and misses nothing.</summary>
[Collection(BrowserCollection.Name)]
public sealed class LiveViewReconnectTests(Browser browser, ITestOutputHelper output)
{
    // 2,400 no-op runs (no tensors): the sweep takes several seconds, runs finish by the hundred while the stream is cut.
    private const string Noop = """
        name: noop2k
        task: { kind: noop }
        model: { kind: mlp }
        training: { steps: 1, eval_every: 1, rank_every: 0, checkpoint_every: 1 }
        grid:
          lr: { log_range: [1e-4, 1e-1], points: 60 }
          weight_decay: { range: [0, 2], points: 40 }
        """;

    [Fact]
    public async Task A_stream_cut_mid_sweep_resumes_from_the_last_event_with_no_update_missed_or_applied_twice()
    {
        await using var sweep = await LiveSweep.StartAsync("noop2k", Noop, slots: 2);
        await using var cutter = new StreamCutter(sweep.Url);
        using var http = new HttpClient { BaseAddress = sweep.Url };
        var page = await browser.NewPageAsync();
        await page.GotoAsync($"http://127.0.0.1:{cutter.Port}/");
        await page.WaitForFunctionAsync("() => window.grokking.state.applied > 50 && document.getElementById('conn').classList.contains('live')");

        // Cut while runs are finishing: the server goes on producing events the page cannot receive.
        int doneAtCut = await DoneAsync(http);
        cutter.Cut();
        await page.WaitForFunctionAsync("() => window.grokking.state.disconnects >= 1");
        await Task.Delay(TimeSpan.FromSeconds(2));
        int doneAtRestore = await DoneAsync(http);
        cutter.Restore();
        output.WriteLine($"cut at {doneAtCut} done, restored at {doneAtRestore} done (of 2,400)");
        Assert.True(doneAtRestore > doneAtCut, $"no run finished while the stream was cut ({doneAtCut} done at both ends): nothing to miss");

        await page.WaitForFunctionAsync("() => window.grokking.state.summary && window.grokking.state.summary.finished", null,
            new PageWaitForFunctionOptions { Timeout = 180_000 });
        var pageState = await page.EvaluateAsync<JsonElement>("""
            () => { const s = window.grokking.state;
                    return { gaps: s.gaps, resets: s.resets, resetSeq: s.resetSeq, applied: s.applied, disconnects: s.disconnects, lastEventId: s.lastEventId,
                             runs: Object.fromEntries([...s.runs.values()].map(r => [r.id, r.st + '|' + (r.phase || '')])) }; }
            """);
        var server = JsonDocument.Parse(await http.GetStringAsync("api/sweeps/noop2k")).RootElement;
        var serverRuns = server.GetProperty("snapshot").GetProperty("runs").EnumerateArray()
            .ToDictionary(r => r.GetProperty("id").GetString()!, r => r.GetProperty("st").GetString() + "|" + (r.TryGetProperty("phase", out var p) ? p.GetString() : ""));
        output.WriteLine($"page: {pageState.GetProperty("applied")} events applied, {pageState.GetProperty("disconnects")} disconnects, {pageState.GetProperty("resets")} resets, last {pageState.GetProperty("lastEventId")}; server at {server.GetProperty("lastEventId")}; {cutter.Cuts} connections cut");

        Assert.True(cutter.Cuts >= 1);
        Assert.Equal(0, pageState.GetProperty("gaps").GetInt32());      // every event's id followed the last one's
        Assert.Equal(1, pageState.GetProperty("resets").GetInt32());    // the reconnect resumed; it did not start over
        Assert.Equal(server.GetProperty("lastEventId").GetString(), pageState.GetProperty("lastEventId").GetString());
        // One reset plus one application per event after it: none missed, none twice.
        var last = long.Parse(server.GetProperty("lastEventId").GetString()!.Split('-')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(1 + last - pageState.GetProperty("resetSeq").GetInt64(), pageState.GetProperty("applied").GetInt64());
        var pageRuns = pageState.GetProperty("runs").EnumerateObject().Where(p => p.Name != "$id").ToDictionary(p => p.Name, p => p.Value.GetString()!);
        Assert.Equal(2400, serverRuns.Count);
        Assert.Equal(serverRuns.OrderBy(p => p.Key), pageRuns.OrderBy(p => p.Key));
        Assert.All(pageRuns.Values, v => Assert.StartsWith("done|", v));
        await page.WaitForFunctionAsync("() => Object.values(window.grokking.rendered()).filter(s => s === 'done').length === 2400");
        await LiveViewBrowserTests.ScreenshotAsync(page, "noop2k");

        // 2,400 cells: no SVG dot per run; the page finds the cell under the pointer itself, for its label and a click.
        Assert.False(await page.EvaluateAsync<bool>("() => document.getElementById('diagram').data.find(d => d.name === 'runs').visible"));
        var runId = serverRuns.Keys.Order().ElementAt(1234);
        var centre = await page.EvaluateAsync<JsonElement>($"() => window.grokking.cellCentre('{runId}')");
        float x = centre.GetProperty("x").GetSingle(), y = centre.GetProperty("y").GetSingle();
        await page.Mouse.MoveAsync(x, y, new MouseMoveOptions { Steps = 4 });
        await Assertions.Expect(page.Locator("#hover")).ToContainTextAsync(runId);
        await page.Mouse.ClickAsync(x, y);
        await Assertions.Expect(page.Locator("#run-title")).ToHaveTextAsync("run " + runId);
    }

    private static async Task<int> DoneAsync(HttpClient http) =>
        JsonDocument.Parse(await http.GetStringAsync("api/sweeps/noop2k")).RootElement.GetProperty("snapshot").GetProperty("sweep").GetProperty("done").GetInt32();
}
