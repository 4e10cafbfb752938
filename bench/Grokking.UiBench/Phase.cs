using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;

namespace Grokking.UiBench;

/// <summary>What one phase measured: a whole sweep, watched by <see cref="Page"/> (none in phase 0) and <see cref="Streams"/>.</summary>
public sealed record PhaseResult
{
    public required double UrlAt { get; init; }            // s from start: the live view's address printed (submit done)
    public required double CliFinished { get; init; }      // s from start: the CLI wrote runs.parquet and plots
    public required double ServerCpuS { get; init; }       // the grokking process's CPU, s, when the CLI finished
    public required double ServerPeakMb { get; init; }     // its VmHWM then
    public double? IdleCpuPct { get; init; }               // % of one core after that, the page connected: the lower of two 5 s windows
    public PageResult? Page { get; init; }
    public List<StreamResult> Streams { get; init; } = [];
    public Replay? Replay { get; init; }
}

/// <summary>What the browser page saw.</summary>
public sealed record PageResult
{
    public required double FinishedSeen { get; init; }    // s from start: the page's summary says finished
    public required double Drawn { get; init; }           // s from start: the chart holds every run as done
    public required List<double> Latencies { get; init; } // ms, every run and sweep event the page applied
    public required long Applied { get; init; }
    public required int Gaps { get; init; }
    public required int Resets { get; init; }
    public required int Disconnects { get; init; }
    public required int DoneCells { get; init; }
    public required double HeapEndMb { get; init; }
    public required double HeapPeakMb { get; init; }
    public required double HeapAfterGcMb { get; init; }
    public required double TaskS { get; init; }           // the page's main thread busy, s (CDP TaskDuration)
    public required double ScriptS { get; init; }         // of which JavaScript, s (CDP ScriptDuration)
    public required List<double> RenderMs { get; init; }  // each Plotly.react the page made while the sweep streamed
    public required double FinalDrawMs { get; init; }     // a forced redraw of the finished chart, median of 5
    public required double FinalFrameMs { get; init; }    // the same up to the next frame after it
}

/// <summary>
/// K readers replaying the whole finished sweep's event log at once (?after=EPOCH-0), <paramref name="Rounds"/> times:
/// the server's cost per page alone.
/// </summary>
/// <param name="Streams">What each reader of the last round received.</param>
/// <param name="RawCpuS">The server's CPU over all rounds, s.</param>
/// <param name="CpuS">That less its idle rate over the same time, s.</param>
public sealed record Replay(List<StreamResult> Streams, int Rounds, double Seconds, double RawCpuS, double CpuS);

public static class Phase
{
    // Before the page's own scripts: time every Plotly.react app.js makes (it calls the global Plotly.react).
    private const string TimeRenders = """
        window.__bench = { renders: [] };
        document.addEventListener('DOMContentLoaded', () => {
          const react = Plotly.react;
          Plotly.react = function (...args) {
            const t0 = performance.now();
            const result = react.apply(this, args);
            window.__bench.renders.push(performance.now() - t0);
            return result;
          };
        });
        """;

    // The page's latencies since the last call, taken out of the page (it keeps only its latest 10,000, dropping 5,000
    // at a time), and where it stands.
    private const string Progress = """
        () => { const g = window.grokking, s = g && g.state;
                if (!s) return { lat: [], finished: false };
                return { lat: s.latencies.splice(0), finished: !!(s.summary && s.summary.finished) }; }
        """;

    private const string DoneCells = "() => Object.values(window.grokking.rendered()).filter(s => s === 'done').length";

    // A full redraw of the finished chart as a user's change of colour makes one (same colour: same picture).
    private const string ForcedDraws = """
        async () => { const el = document.getElementById('colour'), times = [];
                      for (let i = 0; i < 5; i++) {
                        const t0 = performance.now();
                        el.dispatchEvent(new Event('change'));
                        const t1 = performance.now();
                        await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
                        times.push([t1 - t0, performance.now() - t0]);
                      }
                      return times; }
        """;

    /// <summary>
    /// Runs the sweep in a fresh <paramref name="outDir"/> with the live view on, watched by a browser page (none
    /// without <paramref name="browser"/>: phase 0, whose live view then costs nothing, as no feed starts until a
    /// request) and <paramref name="extraPages"/> plain readers.
    /// </summary>
    public static async Task<PhaseResult> RunAsync(IBrowser? browser, string spec, string outDir, string sweep, int runs, int extraPages)
    {
        using var grokking = await GrokkingProcess.StartAsync("run", spec, "--out", outDir, "--slots", "8", "--torch-threads", "1", "--ui", "--ui-port", "0");
        using var http = new HttpClient { BaseAddress = grokking.Url, Timeout = Timeout.InfiniteTimeSpan };
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        var streams = Enumerable.Range(0, extraPages).Select(_ => Task.Run(() => StreamClient.ReadToEndAsync(http, sweep, stop.Token))).ToList();
        IBrowserContext? context = null;
        try
        {
            PageResult? page = null;
            if (browser is not null)
            {
                context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 850 } });
                page = await WatchAsync(context, grokking, runs);
            }
            var results = await Task.WhenAll(streams).WaitAsync(TimeSpan.FromMinutes(20));
            while (grokking.CliFinishedAt is null)
            {
                if (grokking.Elapsed > 25 * 60) throw new TimeoutException("grokking run did not finish within 25 minutes:\n" + grokking.Output);
                await Task.Delay(100);
            }
            double serverCpu = grokking.CpuSeconds;
            var (_, serverPeak) = grokking.Memory();
            if (browser is null) return new PhaseResult { UrlAt = grokking.UrlAt, CliFinished = grokking.CliFinishedAt.Value, ServerCpuS = serverCpu, ServerPeakMb = serverPeak };

            // Idle: the sweep is over and the CLI has written runs.parquet and plots; the page stays connected (the
            // extra readers have hung up), so the live view goes on reading the sweep grain every 250 ms. The first
            // seconds after the CLI's last line are busy with other work (about 0.7 cores for 2 s at 900 runs): skipped.
            // Measured before and after the replay below (phase A: twice in a row); the lower rate is taken, since
            // anything else the process does only adds to it.
            await Task.Delay(TimeSpan.FromSeconds(3));
            double idleRate = await IdleRateAsync(grokking);

            Replay? replay = null;
            if (extraPages > 0)
            {
                using var state = JsonDocument.Parse(await http.GetStringAsync($"api/sweeps/{sweep}"));
                var last = state.RootElement.GetProperty("lastEventId").GetString()!;
                var from = last[..last.LastIndexOf('-')] + "-0";
                double cpuFrom = grokking.CpuSeconds;
                var clock = Stopwatch.StartNew();
                int rounds = 0;
                StreamResult[] replayed;
                do
                {
                    replayed = await Task.WhenAll(Enumerable.Range(0, extraPages)
                        .Select(_ => Task.Run(() => StreamClient.ReadToEndAsync(http, sweep, stop.Token, after: from))));
                    rounds++;
                }
                while (clock.Elapsed < TimeSpan.FromSeconds(5)); // a few seconds at least, so the idle rate's share stays small
                double seconds = clock.Elapsed.TotalSeconds;
                double cpu = grokking.CpuSeconds - cpuFrom;
                idleRate = Math.Min(idleRate, await IdleRateAsync(grokking));
                replay = new Replay([.. replayed], rounds, seconds, cpu, cpu - idleRate * seconds);
            }
            else idleRate = Math.Min(idleRate, await IdleRateAsync(grokking));

            return new PhaseResult
            {
                UrlAt = grokking.UrlAt,
                CliFinished = grokking.CliFinishedAt.Value,
                ServerCpuS = serverCpu,
                ServerPeakMb = serverPeak,
                IdleCpuPct = 100 * idleRate,
                Page = page,
                Streams = [.. results],
                Replay = replay,
            };
        }
        finally
        {
            await stop.CancelAsync();
            if (context is not null) await context.CloseAsync();
        }
    }

    // Opens the page and follows it until its chart holds every run as done; then its state, memory and redraw cost.
    private static async Task<PageResult> WatchAsync(IBrowserContext context, GrokkingProcess grokking, int runs)
    {
        await context.AddInitScriptAsync(TimeRenders);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(120_000);
        var cdp = await context.NewCDPSessionAsync(page);
        await cdp.SendAsync("Performance.enable");
        await page.GotoAsync(grokking.Url.ToString());

        var latencies = new List<double>();
        double heapPeak = 0, finishedSeen = 0;
        var sample = Stopwatch.StartNew();
        while (true)
        {
            if (grokking.Elapsed > 20 * 60) throw new TimeoutException("the sweep did not finish in the page within 20 minutes:\n" + grokking.Output);
            var progress = await page.EvaluateAsync<JsonElement>(Progress);
            latencies.AddRange(progress.GetProperty("lat").EnumerateArray().Select(v => v.GetDouble()));
            if (sample.ElapsedMilliseconds >= 500)
            {
                heapPeak = Math.Max(heapPeak, (await MetricsAsync(cdp))["JSHeapUsedSize"]);
                sample.Restart();
            }
            if (progress.GetProperty("finished").GetBoolean())
            {
                if (finishedSeen == 0) finishedSeen = grokking.Elapsed;
                if (await page.EvaluateAsync<int>(DoneCells) >= runs) break;
            }
            await Task.Delay(100);
        }
        double drawn = grokking.Elapsed;
        var state = await page.EvaluateAsync<JsonElement>("""
            () => { const s = window.grokking.state;
                    return { lat: s.latencies.splice(0), applied: s.applied, gaps: s.gaps, resets: s.resets, disconnects: s.disconnects }; }
            """);
        latencies.AddRange(state.GetProperty("lat").EnumerateArray().Select(v => v.GetDouble()));
        var renders = (await page.EvaluateAsync<double[]>("() => window.__bench.renders.splice(0)")).ToList();
        var metrics = await MetricsAsync(cdp);
        int doneCells = await page.EvaluateAsync<int>(DoneCells);
        var draws = await page.EvaluateAsync<double[][]>(ForcedDraws);
        await cdp.SendAsync("HeapProfiler.collectGarbage");
        double heapAfterGc = (await MetricsAsync(cdp))["JSHeapUsedSize"];
        return new PageResult
        {
            FinishedSeen = finishedSeen,
            Drawn = drawn,
            Latencies = latencies,
            Applied = state.GetProperty("applied").GetInt64(),
            Gaps = state.GetProperty("gaps").GetInt32(),
            Resets = state.GetProperty("resets").GetInt32(),
            Disconnects = state.GetProperty("disconnects").GetInt32(),
            DoneCells = doneCells,
            HeapEndMb = metrics["JSHeapUsedSize"] / 1e6,
            HeapPeakMb = Math.Max(heapPeak, metrics["JSHeapUsedSize"]) / 1e6,
            HeapAfterGcMb = heapAfterGc / 1e6,
            TaskS = metrics["TaskDuration"],
            ScriptS = metrics["ScriptDuration"],
            RenderMs = renders,
            FinalDrawMs = Median(draws.Select(d => d[0])),
            FinalFrameMs = Median(draws.Select(d => d[1])),
        };
    }

    // The server's CPU over 5 s, in cores.
    private static async Task<double> IdleRateAsync(GrokkingProcess grokking)
    {
        double from = grokking.CpuSeconds;
        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(5));
        return (grokking.CpuSeconds - from) / clock.Elapsed.TotalSeconds;
    }

    private static async Task<Dictionary<string, double>> MetricsAsync(ICDPSession cdp)
    {
        var reply = await cdp.SendAsync("Performance.getMetrics");
        return reply!.Value.GetProperty("metrics").EnumerateArray()
            .ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("value").GetDouble());
    }

    public static double Median(IEnumerable<double> values) => Percentile(values.ToList(), 50);

    /// <summary>Nearest-rank percentile (0 for no values).</summary>
    public static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0) return 0;
        var sorted = values.Order().ToList();
        int rank = (int)Math.Ceiling(p / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    public static string Ms(double ms) => ms.ToString("N0", CultureInfo.InvariantCulture);
}
