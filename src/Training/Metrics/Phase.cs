namespace Grokking.Training.Metrics;

/// <summary>Liu et al.'s learning phases.</summary>
public enum Phase
{
    /// <summary>Train and validation accuracy reach the threshold within the gap of each other.</summary>
    Comprehension,

    /// <summary>Validation accuracy reaches the threshold, but at least the gap after train accuracy.</summary>
    Grokking,

    /// <summary>Train accuracy reaches the threshold, validation accuracy never does.</summary>
    Memorization,

    /// <summary>Train accuracy never reaches the threshold.</summary>
    Confusion,

    /// <summary>The training loss became NaN or infinite; the run stopped at that step (not one of Liu et al.'s phases).</summary>
    Diverged,
}
