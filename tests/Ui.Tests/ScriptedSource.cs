using Grokking.Client.Ui;

namespace Grokking.Ui.Tests;

/// <summary>A sweep source whose state the test sets: the server's own behaviour, with nothing else moving.</summary>
internal sealed class ScriptedSource(string name, string? folder = null) : ISweepSource
{
    public static readonly IReadOnlyList<UiAxis> Axes =
    [
        new("lr", true, true, ["0.001", "0.01"], [1e-3, 1e-2]),
        new("weight_decay", false, true, ["0", "1"], [0, 1]),
    ];

    private readonly object _gate = new();
    private List<UiRun> _runs = Enumerable.Range(0, 4).Select(i => new UiRun
    {
        Id = $"r{i:x16}", Index = i, Coordinates = [i < 2 ? 1e-3 : 1e-2, i % 2], Status = "queued", Steps = 100,
    }).ToList();

    public TimeSpan PollInterval => TimeSpan.FromMilliseconds(20);

    public IReadOnlyList<UiRun> Runs { get { lock (_gate) return _runs; } }

    /// <summary>Replaces run <paramref name="index"/> (its next state) and returns it.</summary>
    public UiRun Set(int index, Func<UiRun, UiRun> change)
    {
        lock (_gate)
        {
            var runs = _runs.ToList();
            runs[index] = change(runs[index]);
            _runs = runs;
            return runs[index];
        }
    }

    public Task<IReadOnlyList<string>> SweepsAsync(CancellationToken cancellation) => Task.FromResult<IReadOnlyList<string>>([name]);

    public Task<SweepFrame> ReadAsync(string sweep, CancellationToken cancellation)
    {
        if (sweep != name) throw new KeyNotFoundException(sweep);
        var runs = Runs;
        return Task.FromResult(Frame(name, runs));
    }

    public static SweepFrame Frame(string name, IReadOnlyList<UiRun> runs) => new(
        new UiSweep(name, runs.Count, runs.Count(r => r.Status == "queued"), runs.Count(r => r.Status == "running"), runs.Count(r => r.Status == "done"),
            0, 0, runs.All(r => r.Status == "done"), "grid", runs.Sum(r => r.Step), runs.Sum(r => r.Steps), null),
        Axes, ["final_val_acc"], runs);

    public string? SweepFolder(string sweep) => folder;
}
