namespace Grokking.Training.Metrics;

/// <summary>Classifies a run into Liu et al.'s phases from the first steps its accuracies reached a threshold.</summary>
public static class PhaseClassifier
{
    /// <param name="trainStep">First step with train accuracy at or above the threshold; null if never.</param>
    /// <param name="valStep">First step with validation accuracy at or above the threshold; null if never.</param>
    /// <param name="gap">Steps between the two that separate comprehension from grokking (Liu et al.: 1000).</param>
    public static Phase Classify(long? trainStep, long? valStep, long gap)
    {
        if (trainStep is null) return Phase.Confusion;
        if (valStep is null) return Phase.Memorization;
        return valStep.Value - trainStep.Value < gap ? Phase.Comprehension : Phase.Grokking;
    }

    /// <summary>Classifies whole accuracy curves sampled at <paramref name="steps"/>.</summary>
    public static Phase Classify(IReadOnlyList<long> steps, IReadOnlyList<double> trainAcc, IReadOnlyList<double> valAcc,
        double threshold, long gap) =>
        Classify(FirstAtOrAbove(steps, trainAcc, threshold), FirstAtOrAbove(steps, valAcc, threshold), gap);

    /// <summary>The first step whose value is at or above <paramref name="threshold"/>, or null.</summary>
    public static long? FirstAtOrAbove(IReadOnlyList<long> steps, IReadOnlyList<double> values, double threshold)
    {
        for (int i = 0; i < steps.Count; i++)
            if (values[i] >= threshold) return steps[i];
        return null;
    }
}
