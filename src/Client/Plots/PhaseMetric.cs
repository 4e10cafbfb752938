namespace Grokking.Client.Plots;

/// <summary>What a phase-diagram cell shows: a number from each run's outcome (aggregated by median), or Liu et al.'s phase.</summary>
public sealed record PhaseMetric
{
    private PhaseMetric(string name, string description, Func<RunResult, double?>? value, bool isStep)
    {
        Name = name;
        Description = description;
        Value = value;
        IsStep = isStep;
    }

    public static PhaseMetric StepVal99 { get; } =
        new("step_val_99", "first step at 99% validation accuracy", r => r.StepVal99, isStep: true);

    public static PhaseMetric GrokkingGap { get; } =
        new("grokking_gap", "steps from 99% train to 99% validation accuracy", r => r.GrokkingGap, isStep: true);

    public static PhaseMetric FinalValAcc { get; } = new("final_val_acc", "validation accuracy at the last step", r => r.FinalValAcc, isStep: false);

    public static PhaseMetric MaxValAcc { get; } = new("max_val_acc", "best validation accuracy", r => r.MaxValAcc, isStep: false);

    public static PhaseMetric Phase { get; } = new("phase", "Liu et al.'s phase", null, isStep: false);

    /// <summary>Every metric <c>--metric</c> accepts, the default first.</summary>
    public static IReadOnlyList<PhaseMetric> All { get; } = [StepVal99, GrokkingGap, FinalValAcc, MaxValAcc, Phase];

    public string Name { get; }

    public string Description { get; }

    /// <summary>The run's number; null for a step it never reached. Null for the categorical <see cref="Phase"/>.</summary>
    public Func<RunResult, double?>? Value { get; }

    /// <summary>A step count, where a missing value means the run never got there.</summary>
    public bool IsStep { get; }

    public bool IsCategorical => Value is null;

    /// <exception cref="PlotInputException">Not one of <see cref="All"/>.</exception>
    public static PhaseMetric Parse(string name) =>
        All.FirstOrDefault(m => m.Name == name)
        ?? throw new PlotInputException($"--metric {name}: unknown metric; accepted: {string.Join(", ", All.Select(m => m.Name))}");
}
