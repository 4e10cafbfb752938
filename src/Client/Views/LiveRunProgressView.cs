using Grokking.Grains.Runs;
using Grokking.Grains.Specs;
using Grokking.Training.Metrics;
using Spectre.Console;

namespace Grokking.Client.Views;

/// <summary>A Spectre.Console progress bar with ETA, redrawn a few times a second.</summary>
internal sealed class LiveRunProgressView(RunSpec run, IAnsiConsole console) : RunProgressView(run, console)
{
    public override Task<RunOutcome> ShowWhile(Func<IProgress<RunProgress>, Task<RunOutcome>> work) =>
        Console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("starting", maxValue: Run.Config.Training.Steps);
                var latest = new LatestProgress();
                var running = work(latest);
                while (!running.IsCompleted)
                {
                    Update(task, latest.Latest);
                    await Task.WhenAny(running, Task.Delay(250));
                }
                Update(task, latest.Latest);
                task.StopTask();
                return await running;
            });

    private static void Update(ProgressTask task, RunProgress? progress)
    {
        if (progress is null) return;
        task.Value = progress.Step;
        task.Description = Markup.Escape(Describe(progress));
    }
}
