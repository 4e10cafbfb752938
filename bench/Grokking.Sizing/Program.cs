using System.Diagnostics;
using System.Globalization;
using Grokking.Grains.Specs;
using Grokking.Training;
using Grokking.Training.Metrics;
using Grokking.Training.Runs;

// For each example spec, the figures a user needs to size Redis and nodes: the checkpoint blob of one run and the
// memory one running run adds to a silo. Each grid point is measured in a fresh child process (RSS does not shrink
// back after a run), after torch is loaded and warmed up, over 3 training steps plus a checkpoint.
if (args is ["--one", var specFile, var indexText])
{
    var run = SpecParser.ParseFile(specFile).Expand()[int.Parse(indexText, CultureInfo.InvariantCulture)];
    TorchRuntime.Initialise(1);
    using (var warm = TorchSharp.torch.ones(64, 64)) warm.matmul(warm).Dispose();
    long before = Rss();
    using var trainer = RunTrainer.Create(run.Config);
    trainer.TrainUntil(3, new List<StepMetrics>(), new List<LayerMetrics>());
    var blob = trainer.SaveCheckpoint();
    GC.Collect();
    long after = Rss();
    Console.WriteLine($"{blob.Length}\t{after - before}\t{trainer.Sizes.Parameters}");
    return 0;
}

var folder = args.Length > 0 ? args[0] : "examples";
Console.WriteLine($"{"example",-24} {"grid point",-34} {"parameters",11} {"checkpoint",11} {"memory/run",11}");
foreach (var file in Directory.GetFiles(folder, "*.yaml").Order())
{
    var grid = SpecParser.ParseFile(file).Expand();
    // The first and the last grid point bracket the sizes (the grids grow along their axes).
    foreach (var index in new[] { 0, grid.Count - 1 }.Distinct())
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true };
        foreach (var a in new[] { typeof(Program).Assembly.Location, "--one", file, index.ToString(CultureInfo.InvariantCulture) }) start.ArgumentList.Add(a);
        using var child = Process.Start(start)!;
        var line = child.StandardOutput.ReadToEnd().Trim().Split('\n')[^1].Split('\t');
        child.WaitForExit();
        var point = grid[index].Parameters.Count == 0 ? "(single run)" : string.Join(", ", grid[index].Parameters.Select(p => $"{p.Key}={Format(p.Value)}"));
        Console.WriteLine($"{Path.GetFileNameWithoutExtension(file),-24} {Truncate(point, 34),-34} {long.Parse(line[2]),11:N0} {Mb(long.Parse(line[0])),11} {Mb(long.Parse(line[1])),11}");
    }
}
return 0;

static long Rss()
{
    foreach (var line in File.ReadLines("/proc/self/status"))
        if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    return 0;
}

static string Mb(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MB";

static string Format(object value) => value is double d ? d.ToString("G3", CultureInfo.InvariantCulture) : Convert.ToString(value, CultureInfo.InvariantCulture)!;

static string Truncate(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
