using Grokking.Training.Config;
using System.Globalization;
using Grokking.Grains.Runs;
using Grokking.Grains.Specs;
using Grokking.Training.Metrics;
using Grokking.Training.Tasks;
using Spectre.Console;

namespace Grokking.Client.Views;

/// <summary>Shows one run's progress: a live bar on a terminal, plain lines at a steady rate otherwise.</summary>
public abstract class RunProgressView(RunSpec run, IAnsiConsole console)
{
    protected RunSpec Run { get; } = run;

    protected IAnsiConsole Console { get; } = console;

    /// <summary>A live view when the output is an interactive terminal, plain lines when it is a log or a pipe.</summary>
    public static RunProgressView For(RunSpec run, IAnsiConsole console) =>
        console.Profile.Capabilities.Interactive && !System.Console.IsOutputRedirected
            ? new LiveRunProgressView(run, console)
            : new PlainRunProgressView(run, console, TimeSpan.FromSeconds(5));

    /// <summary>Runs <paramref name="work"/> while showing the progress it reports.</summary>
    public abstract Task<RunOutcome> ShowWhile(Func<IProgress<RunProgress>, Task<RunOutcome>> work);

    public void Header(SweepSpec sweep, string outDir)
    {
        var parameters = Run.Parameters.Count == 0
            ? "no grid"
            : string.Join(", ", Run.Parameters.Select(p => $"{p.Key}={Format(p.Value)}"));
        Console.MarkupLineInterpolated(
            $"[bold]{sweep.Name}[/] run {Run.Index} of {sweep.Size} ([grey]{Run.RunId}[/]): {parameters}");
        Console.MarkupLineInterpolated($"model: {DescribeModel(Run.Config.Model)}");
        Console.MarkupLineInterpolated($"output: {Path.GetFullPath(outDir)}");
    }

    public void Summary(RunOutcome outcome, string metricsFolder)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("outcome").AddColumn(new TableColumn("value").RightAligned());
        var stop = outcome.DivergedAt is not null ? " (diverged)" : outcome.StoppedEarly ? " (stopped early)" : "";
        table.AddRow("steps trained", $"{outcome.StepsTrained:N0} of {Run.Config.Training.Steps:N0}{stop}");
        table.AddRow("step at 99% train accuracy", Step(outcome.StepTrain99));
        table.AddRow("step at 99% validation accuracy", Step(outcome.StepVal99));
        table.AddRow("grokking gap (steps)", Step(outcome.GrokkingGap));
        table.AddRow($"step at validation loss < {Run.Config.Training.ValLossLevel:0.###}", Step(outcome.StepValLossBelow));
        table.AddRow($"phase (threshold {Run.Config.Training.PhaseThreshold:0.##})", outcome.Phase.ToString().ToLowerInvariant());
        table.AddRow("final train / validation accuracy", $"{outcome.FinalTrainAcc:0.000} / {outcome.FinalValAcc:0.000}");
        if (Run.Config.Task.Kind == "toy")
            table.AddRow("ideal validation accuracy (Liu et al.)",
                $"{ToyAdditionTask.IdealValidationAccuracy(Run.Config.Task, Run.Config.Seed):0.000}");
        table.AddRow("final train / validation loss", $"{outcome.FinalTrainLoss:0.0000} / {outcome.FinalValLoss:0.0000}");
        table.AddRow("wall time", $"{outcome.WallTimeS:0.0} s");
        Console.Write(table);
        if (outcome.DivergedAt is { } diverged)
            Console.MarkupLineInterpolated(
                $"[red]diverged:[/] the training loss became NaN or infinite at step {diverged:N0}; the run stopped there (phase diverged, not retried). A lower lr or init_scale may help.");
        Console.MarkupLineInterpolated($"metrics: {metricsFolder}");
    }

    /// <summary>The resolved model settings in one line, so a preset's choices are visible before training starts.</summary>
    public static string DescribeModel(ModelConfig m)
    {
        var text = $"{m.Kind} (preset {m.Preset}), depth {m.Depth}, width {m.Width}";
        if (m.Kind == "transformer")
        {
            static string OnOff(bool b) => b ? "on" : "off";
            text += $", heads {m.Heads}, ffn {(m.FfnWidth > 0 ? m.FfnWidth : 4 * m.Width)}, norm {m.Norm}, position {m.Position}, "
                + $"biases attention {OnOff(m.AttentionBias)} / ffn {OnOff(m.FfnBias)} / unembed {OnOff(m.UnembedBias)}, init {m.Init}, dropout {m.Dropout:0.###}";
        }
        return text + $", init scale {m.InitScale:G4}";
    }

    protected static string Describe(RunProgress p) =>
        $"step {p.Step:N0}/{p.TotalSteps:N0}  train {Accuracy(p.TrainAcc)}  val {Accuracy(p.ValAcc)}";

    private static string Accuracy(double value) => double.IsNaN(value) ? "  -  " : value.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Step(long? step) => step is { } s ? s.ToString("N0", CultureInfo.InvariantCulture) : "never";

    private static string Format(object value) => value switch
    {
        double d => d.ToString("G4", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
