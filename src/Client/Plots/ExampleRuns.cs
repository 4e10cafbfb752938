namespace Grokking.Client.Plots;

/// <summary>
/// The runs the learning-curve and layer figures show when <c>--runs</c> names none: the clearest grokking (the
/// largest gaps between 99% train and 99% validation accuracy) and, for contrast, one run that never generalised.
/// </summary>
public static class ExampleRuns
{
    public const int Count = 4;

    public static IReadOnlyList<RunResult> Choose(IReadOnlyList<RunResult> runs)
    {
        // Failed runs stop early and say little; they are shown only when nothing else is there.
        var pool = runs.Where(r => r.HasOutcome).ToList() is { Count: > 0 } done ? done : runs.ToList();
        var chosen = pool.Where(r => r.GrokkingGap is not null)
            .OrderByDescending(r => r.GrokkingGap).ThenBy(r => r.Index)
            .Take(Count - 1).ToList();
        // A memorizing run (train fitted, validation never) contrasts best with grokking; any non-generalising run will do.
        var never = pool.Where(r => r.StepVal99 is null).OrderBy(r => r.StepTrain99 is null).ThenBy(r => r.Index).FirstOrDefault();
        if (never is not null) chosen.Add(never);
        // Fill up with runs spread over the grid rather than neighbours that differ in one seed.
        var rest = pool.Except(chosen).ToList();
        var missing = Math.Min(Count - chosen.Count, rest.Count);
        for (var i = 0; i < missing; i++)
            chosen.Add(rest[missing == 1 ? 0 : i * (rest.Count - 1) / (missing - 1)]);
        return chosen;
    }
}
