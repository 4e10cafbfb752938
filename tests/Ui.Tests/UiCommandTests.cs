using System.Text.Json;
using Xunit.Abstractions;

namespace Grokking.Ui.Tests;

/// <summary>`grokking ui` and `run --ui` as a user types them: bad input refused with what is accepted, and a finished sweep's folder shown.</summary>
[Collection(BrowserCollection.Name)]
public sealed class UiCommandTests(Browser browser, ITestOutputHelper output)
{
    public static TheoryData<string[], string> Refused => new()
    {
        { ["ui"], "error: nothing to show: give an output folder (grokking ui runs), or a cluster with --redis CONN --sweep NAME." },
        { ["ui", "/no/such/folder"], "error: /no/such/folder: no such folder; give an output folder such as runs (or runs/sweep=NAME)." },
        { ["ui", "/tmp", "--bind", "example.org"], "error: --bind 'example.org': expected an IP address of this machine (127.0.0.1, the default; 0.0.0.0 for every interface) or localhost." },
        { ["ui", "/tmp", "--sweep", "quick"], "error: --sweep picks sweeps of a cluster and needs --redis; an output folder shows all of its sweeps." },
        { ["ui", "--redis", "127.0.0.1:1"], "error: with --redis, name the sweeps to show with --sweep NAME (a cluster cannot list them), or give the cluster's shared output folder." },
        { ["ui", "/tmp", "--port", "70000"], "error: --port '70000': expected a whole number from 0 to 65535 (a TCP port; 0 for any free one)." },
        { ["ui", "/tmp", "--bind", "0.0.0.0", "--token", "secret"], "error: --token: 6 characters; expected at least 16 (or leave it out for a random one)." },
        { ["run", "/tmp/none.yaml", "--ui-port", "9000"], "error: grokking run: --ui-port sets up the live view; add --ui to serve it." },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Bad_input_is_refused_with_what_is_accepted(string[] args, string error)
    {
        var (code, stdout, stderr) = await LiveSweep.RunAsync(TimeSpan.FromSeconds(60), args);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.StartsWith(error, stderr.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_with_a_bad_bind_address_refuses_before_creating_anything()
    {
        var folder = LiveSweep.NewFolder();
        try
        {
            var spec = Path.Combine(folder, "s.yaml");
            await File.WriteAllTextAsync(spec, "name: s\ntask: { kind: noop }\nmodel: { kind: mlp }\ntraining: { steps: 1 }\n");
            var outDir = Path.Combine(folder, "out");
            var (code, _, stderr) = await LiveSweep.RunAsync(TimeSpan.FromSeconds(60), "run", spec, "--out", outDir, "--ui", "--bind", "nowhere");
            Assert.Equal(2, code);
            Assert.StartsWith("error: --bind 'nowhere'", stderr.Trim(), StringComparison.Ordinal);
            Assert.False(Directory.Exists(outDir), "a refused run created its output folder");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_finished_sweeps_output_folder_is_shown_with_every_cell_and_its_curves()
    {
        var folder = LiveSweep.NewFolder();
        var spec = Path.Combine(folder, "done.yaml");
        await File.WriteAllTextAsync(spec, """
            name: done
            task: { kind: modular, operation: "x+y", modulus: 7, train_fraction: 0.6 }
            model: { kind: mlp, depth: 1, width: 8 }
            training: { steps: 40, batch_size: full, eval_every: 10, rank_every: 20, checkpoint_every: 20 }
            grid:
              lr: [1e-3, 1e-2]
              weight_decay: [0.0, 1.0]
              seed: [0, 1]
            """);
        var outDir = Path.Combine(folder, "out");
        var (code, stdout, stderr) = await LiveSweep.RunAsync(TimeSpan.FromMinutes(3), "run", spec, "--out", outDir, "--slots", "2");
        Assert.True(code == 0, stdout + stderr);

        await using var view = await LiveSweep.StartAsync(folder, ["ui", outDir, "--port", "0"]);
        output.WriteLine(view.Output);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(view.Url.ToString());
        // Eight runs over lr x weight_decay x seed: the diagram shows one seed at a time, chosen by a slice control.
        await page.WaitForFunctionAsync("() => Object.values(window.grokking.rendered()).filter(s => s === 'done').length === 4");
        Assert.Equal("seed", (await page.EvaluateAsync<string>("() => document.querySelector('#slices label').firstChild.textContent")).Trim());
        var seed0 = await page.EvaluateAsync<string[]>("() => Object.keys(window.grokking.rendered()).sort()");
        await page.SelectOptionAsync("#slice-seed", "1");
        await page.WaitForFunctionAsync($"() => Object.keys(window.grokking.rendered()).sort().join() !== '{string.Join(",", seed0)}'");
        var runIds = await page.EvaluateAsync<string[]>("() => Object.keys(window.grokking.rendered())");
        Assert.Equal(4, runIds.Length);

        // Curves straight from the folder's Parquet, as DuckDB reads them.
        var curves = JsonDocument.Parse(await page.EvaluateAsync<string>(
            $"async () => JSON.stringify(await (await fetch('/api/sweeps/done/runs/{runIds[0]}/curves')).json())")).RootElement;
        Assert.Equal([1L, 10, 20, 30, 40], curves.GetProperty("evals").EnumerateArray().Select(e => e.GetProperty("step").GetInt64()));
        Assert.True(curves.GetProperty("layers").GetArrayLength() >= 1);
        // And the slice chosen survives a reload of the page (kept per sweep in the browser).
        await page.ReloadAsync();
        await page.WaitForFunctionAsync("() => Object.keys(window.grokking.rendered()).length === 4");
        Assert.Equal("1", await page.InputValueAsync("#slice-seed"));
    }
}
