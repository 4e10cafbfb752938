using System.Diagnostics;
using Grokking.Bench;

var clock = Stopwatch.StartNew();
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}
if (FashionMnistCheck.Problem(WorkloadCatalog.FashionMnistFolder) is { } problem)
{
    Console.Error.WriteLine(problem);
    return 3;
}

var report = new BenchReport(Console.Out);
var result = await Benchmark.RunAsync(options, report);
report.Summary(result, clock.Elapsed);
// Misses are results, not failures: the exit code says only whether the benchmark ran.
return 0;
