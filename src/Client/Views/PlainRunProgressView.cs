using Grokking.Grains.Runs;
using Grokking.Grains.Specs;
using Grokking.Training.Metrics;
using Spectre.Console;

namespace Grokking.Client.Views;

/// <summary>One line per checkpoint, and at most one line per interval in between: readable in logs and CI.</summary>
internal sealed class PlainRunProgressView(RunSpec run, IAnsiConsole console, TimeSpan interval) : RunProgressView(run, console)
{
    public override Task<RunOutcome> ShowWhile(Func<IProgress<RunProgress>, Task<RunOutcome>> work)
    {
        var last = DateTime.MinValue;
        var gate = new Lock();
        return work(new Progress(p =>
        {
            lock (gate)
            {
                var now = DateTime.UtcNow;
                if (!p.Checkpointed && now - last < interval) return;
                last = now;
                Console.WriteLine($"{Run.RunId} {Describe(p)}{(p.Checkpointed ? "  checkpoint" : "")}");
            }
        }));
    }

    private sealed class Progress(Action<RunProgress> report) : IProgress<RunProgress>
    {
        public void Report(RunProgress value) => report(value);
    }
}
