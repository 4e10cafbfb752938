using System.Text.Json;
using System.Text.RegularExpressions;

namespace Grokking.Integration.Tests;

/// <summary>
/// `grokking ui --redis`: the live view of a sweep that a real cluster (redis-server and a silo process) runs, read
/// through the grains as a client, with curves from the cluster's shared output folder.
/// </summary>
public sealed class LiveViewClusterTests
{
    [Fact]
    public async Task The_live_view_follows_a_cluster_sweep_to_its_end_and_reads_its_curves_from_the_shared_folder()
    {
        await using var cluster = await LoopbackCluster.StartAsync("ui");
        cluster.StartSilo(slots: 2);
        await using (var connection = await cluster.ConnectAsync())
            await cluster.WaitForSilosAsync(connection, 1, TimeSpan.FromSeconds(120), "the silo to join");
        var spec = Path.Combine(cluster.Scratch, "clusterview.yaml");
        await File.WriteAllTextAsync(spec, """
            name: clusterview
            task: { kind: modular, operation: "x+y", modulus: 7, train_fraction: 0.6 }
            model: { kind: mlp, depth: 1, width: 8 }
            training: { steps: 300, batch_size: full, eval_every: 50, rank_every: 100, checkpoint_every: 100 }
            grid:
              lr: [1e-3, 1e-2, 1e-1]
              weight_decay: [0.0, 1.0]
            """);
        var (code, submitted) = cluster.Grokking("submit", spec);
        Assert.True(code == 0, submitted);

        using var view = ChildProcess.Start("grokking", "ui", cluster.OutDir, "--redis", cluster.Redis.ConnectionString,
            "--cluster-id", cluster.ClusterId, "--sweep", "clusterview", "--port", "0");
        Uri? url = null;
        await cluster.WaitUntilAsync(() => Task.FromResult((url = Address(view.Output)) is not null), TimeSpan.FromSeconds(60), "the live view's address");
        using var http = new HttpClient { BaseAddress = url };

        JsonElement snapshot = default;
        await cluster.WaitUntilAsync(async () =>
        {
            snapshot = JsonDocument.Parse(await http.GetStringAsync("api/sweeps/clusterview")).RootElement.GetProperty("snapshot");
            return snapshot.GetProperty("sweep").GetProperty("finished").GetBoolean();
        }, TimeSpan.FromMinutes(3), "the sweep to finish in the live view");

        Assert.Equal(["lr", "weight_decay"], snapshot.GetProperty("axes").EnumerateArray().Select(a => a.GetProperty("name").GetString()));
        Assert.True(snapshot.GetProperty("axes")[0].GetProperty("log").GetBoolean(), "lr 1e-3, 1e-2, 1e-1 is a log axis");
        var runs = snapshot.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(6, runs.Count);
        Assert.All(runs, r => Assert.Equal("done", r.GetProperty("st").GetString()));
        Assert.All(runs, r => Assert.False(string.IsNullOrEmpty(r.GetProperty("phase").GetString())));
        // Where each run sits comes from the sweep grain: every (lr, weight_decay) pair once.
        Assert.Equal(6, runs.Select(r => string.Join(",", r.GetProperty("x").EnumerateArray().Select(v => v.GetDouble()))).Distinct().Count());

        var runId = runs[0].GetProperty("id").GetString();
        var curves = JsonDocument.Parse(await http.GetStringAsync($"api/sweeps/clusterview/runs/{runId}/curves")).RootElement;
        Assert.Equal([1L, 50, 100, 150, 200, 250, 300], curves.GetProperty("evals").EnumerateArray().Select(e => e.GetProperty("step").GetInt64()));
        view.Terminate();
    }

    private static Uri? Address(string output) =>
        Regex.Match(output, @"live view: (http://\S+)") is { Success: true } m ? new Uri(m.Groups[1].Value) : null;
}
