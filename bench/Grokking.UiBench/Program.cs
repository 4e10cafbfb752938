using System.Globalization;
using Grokking.UiBench;
using Microsoft.Playwright;
using static Grokking.UiBench.Phase;

// The live view under load: a grid of no-op runs (task kind noop: each finishes at once, so runs change state as
// fast as the embedded silo can dispatch them) run by the real `grokking run --ui`, watched by headless chromium.
// Each phase runs the sweep afresh. Phase 0: no page (the baseline). Phase A: one page. Phase B: that page plus K
// plain event-stream readers (HttpClient), to measure what each connected page costs the server; then K readers
// replay the finished sweep's whole event log at once, the same cost without the sweep's noise around it.
// Latency = the page's receive time minus the event's `t`, stamped when the server appended the event (after its
// 250 ms poll of the sweep grain): push plus page handling, not the poll's own delay.
int runs = 10_000, pages = 20;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--runs" when i + 1 < args.Length: runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--pages" when i + 1 < args.Length: pages = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        default:
            Console.Error.WriteLine("usage: grokking-ui-bench [--runs N (10000)] [--pages K (20)]");
            return 2;
    }
}
int side = (int)Math.Ceiling(Math.Sqrt(runs));
runs = side * side;
string chromium = Environment.GetEnvironmentVariable("GROKKING_CHROMIUM") is { Length: > 0 } c ? c : "/usr/bin/chromium";
const string Sweep = "uibench";
string spec = $$"""
    name: {{Sweep}}
    task: { kind: noop }
    model: { kind: mlp }
    training: { steps: 1, eval_every: 1, rank_every: 0, checkpoint_every: 1 }
    grid:
      lr: { log_range: [1e-4, 1e-1], points: {{side}} }
      weight_decay: { range: [0, 2], points: {{side}} }
    """;
Console.WriteLine($"Live view benchmark: {runs:N0} no-op runs, grokking run --ui --slots 8, headless chromium {chromium}; "
    + $"{Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load average {LoadAverage()}");

var root = Directory.CreateTempSubdirectory("grokking-uibench-").FullName;
try
{
    var specPath = Path.Combine(root, Sweep + ".yaml");
    await File.WriteAllTextAsync(specPath, spec);
    using var playwright = await Playwright.CreateAsync();
    await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = chromium,
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    });

    Console.WriteLine("phase 0: no page (the live view starts nothing until a request) ...");
    var z = await Phase.RunAsync(null, specPath, Path.Combine(root, "out-0"), Sweep, runs, 0);
    Console.WriteLine($"  CLI finished after {z.CliFinished:0.0} s");
    Console.WriteLine("phase A: one browser page ...");
    var a = await Phase.RunAsync(browser, specPath, Path.Combine(root, "out-a"), Sweep, runs, 0);
    Console.WriteLine($"  chart complete after {a.Page!.Drawn:0.0} s");
    Console.WriteLine($"phase B: the browser page plus {pages} event-stream readers ...");
    var b = await Phase.RunAsync(browser, specPath, Path.Combine(root, "out-b"), Sweep, runs, pages);
    Console.WriteLine($"  chart complete after {b.Page!.Drawn:0.0} s");

    Console.WriteLine();
    Console.WriteLine($"{"",-60}{"0: no page",14}{"A: 1 page",16}{$"B: {1 + pages} pages",16}");
    void Row(string label, Func<PhaseResult, string> value) => Console.WriteLine($"  {label,-58}{value(z),14}{value(a),16}{value(b),16}");
    void PageRow(string label, Func<PageResult, string> value) => Row(label, r => r.Page is { } p ? value(p) : "-");
    Console.WriteLine("sweep (s from starting grokking)");
    Row("live view address printed (submit done)", r => $"{r.UrlAt:0.0}");
    PageRow("page's summary says finished", p => $"{p.FinishedSeen:0.0}");
    PageRow("chart holds every run as done", p => $"{p.Drawn:0.0}");
    Row("CLI wrote runs.parquet and plots", r => $"{r.CliFinished:0.0}");
    Console.WriteLine("page");
    PageRow("events applied (incl. the reset)", p => $"{p.Applied:N0}");
    PageRow("gaps / resets / disconnects", p => $"{p.Gaps} / {p.Resets} / {p.Disconnects}");
    PageRow("done cells in the chart", p => $"{p.DoneCells:N0}");
    PageRow("update latency p50 / p95 (ms)", p => $"{Ms(Percentile(p.Latencies, 50))} / {Ms(Percentile(p.Latencies, 95))}");
    PageRow("update latency p99 / max (ms)", p => $"{Ms(Percentile(p.Latencies, 99))} / {Ms(p.Latencies.DefaultIfEmpty().Max())}");
    PageRow("latencies recorded", p => $"{p.Latencies.Count:N0}");
    PageRow("redraws while streaming (Plotly.react)", p => $"{p.RenderMs.Count:N0}");
    PageRow("redraw median / max (ms)", p => $"{Ms(Median(p.RenderMs))} / {Ms(p.RenderMs.DefaultIfEmpty().Max())}");
    PageRow("redraws' total (s)", p => $"{p.RenderMs.Sum() / 1000:0.0}");
    PageRow("main thread busy / of it script (s)", p => $"{p.TaskS:0.0} / {p.ScriptS:0.0}");
    PageRow("finished seen -> chart complete (ms, 100 ms polls)", p => Ms((p.Drawn - p.FinishedSeen) * 1000));
    PageRow("redraw of the finished chart, sync / to next frame (ms)", p => $"{Ms(p.FinalDrawMs)} / {Ms(p.FinalFrameMs)}");
    PageRow("JS heap peak (500 ms samples) / at end (MB)", p => $"{p.HeapPeakMb:0} / {p.HeapEndMb:0}");
    PageRow("JS heap after a forced GC (MB)", p => $"{p.HeapAfterGcMb:0.0}");
    Console.WriteLine("server (the grokking process: silo, sweep and live view)");
    Row("CPU when the CLI finished (s)", r => $"{r.ServerCpuS:0.0}");
    Row("CPU per second of sweep (cores)", r => $"{r.ServerCpuS / r.CliFinished:0.00}");
    Row("peak RSS, VmHWM (MB)", r => $"{r.ServerPeakMb:0}");
    Row("CPU idle after the CLI finished, page connected (% core)", r => r.IdleCpuPct is { } pct ? $"{pct:0.0}" : "-");

    var s = b.Streams;
    var lat = s.SelectMany(x => x.Latencies).ToList();
    Console.WriteLine($"extra readers (phase B, {s.Count}): finished {s.Count(x => x.Finished)} of {s.Count}");
    if (s.Count > 0)
    {
        Console.WriteLine($"  bytes each: mean {s.Average(x => x.Bytes) / 1e6:0.00} MB (min {s.Min(x => x.Bytes) / 1e6:0.00}, max {s.Max(x => x.Bytes) / 1e6:0.00}), "
            + $"of which the first snapshot (reset) {s.Average(x => x.ResetBytes) / 1e6:0.00} MB");
        Console.WriteLine($"  events each: mean {s.Average(x => x.Events):N0} (min {s.Min(x => x.Events):N0}, max {s.Max(x => x.Events):N0}), "
            + $"{s.Average(x => (x.Bytes - x.ResetBytes) / Math.Max(1.0, x.Events - 1)):0} bytes per event after the reset");
        Console.WriteLine($"  latency over all readers p50 / p95 / p99 / max: {Ms(Percentile(lat, 50))} / {Ms(Percentile(lat, 95))} / {Ms(Percentile(lat, 99))} / {Ms(lat.DefaultIfEmpty().Max())} ms");
        Console.WriteLine();
        double cpuPer = (b.ServerCpuS - a.ServerCpuS) / pages * 1000, rssPer = (b.ServerPeakMb - a.ServerPeakMb) / pages;
        Console.WriteLine($"server CPU with 1 page / with none = {a.ServerCpuS / z.ServerCpuS:0.00}; sweep time {a.CliFinished / z.CliFinished:0.00}");
        Console.WriteLine($"server CPU with {1 + pages} pages / with 1 page = {b.ServerCpuS / a.ServerCpuS:0.00}; peak RSS {b.ServerPeakMb / a.ServerPeakMb:0.00}; "
            + $"sweep time {b.CliFinished / a.CliFinished:0.00}");
        Console.WriteLine($"per extra page, live (B - A) / {pages}: {cpuPer:+0;-0} ms CPU, {rssPer:+0.0;-0.0} MB peak RSS, "
            + $"{s.Average(x => x.Bytes) / 1e6:0.00} MB sent in {s.Average(x => x.Events):N0} events");
        if (b.Replay is { } r)
        {
            double events = r.Streams.Average(x => x.Events), perReplay = r.CpuS / (pages * r.Rounds);
            Console.WriteLine($"per extra page, replay ({pages} readers fetching the finished sweep's whole log at once, {r.Rounds} rounds in {r.Seconds:0.0} s, "
                + $"{events:N0} events and {r.Streams.Average(x => x.Bytes) / 1e6:0.00} MB each): {perReplay * 1000:0} ms CPU = {perReplay / Math.Max(1, events) * 1e6:0.0} µs per event sent "
                + $"(server CPU {r.RawCpuS:0.00} s in all, less {b.IdleCpuPct:0.0}% of a core idle)");
        }
    }
    Console.WriteLine($"load average at the end: {LoadAverage()} (other work on this machine slows the sweep and the page alike)");

    var problems = new List<string>();
    foreach (var (name, p) in new[] { ("A", a.Page!), ("B", b.Page!) })
    {
        if (p.DoneCells != runs) problems.Add($"phase {name}: the chart shows {p.DoneCells} of {runs} runs done");
        if (p.Gaps != 0) problems.Add($"phase {name}: the page counted {p.Gaps} gaps in the event ids");
    }
    if (b.Streams.Any(x => !x.Finished)) problems.Add($"phase B: {b.Streams.Count(x => !x.Finished)} readers never saw the sweep finish");
    foreach (var p in problems) Console.WriteLine("FAIL: " + p);
    return problems.Count == 0 ? 0 : 1;
}
finally
{
    Console.WriteLine($"removing {root} (the sweeps' output) ...");
    Directory.Delete(root, recursive: true);
}

// The 1, 5 and 15 minute load averages: how busy the machine was besides this benchmark.
static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
