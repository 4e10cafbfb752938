namespace Grokking.Grains.Contracts;

/// <summary>Why a training engine reports.</summary>
[GenerateSerializer]
public enum EngineReportKind
{
    /// <summary>Still training; the step and accuracies are current.</summary>
    Progress,

    /// <summary>Trained to the end; final metrics and checkpoint are durable.</summary>
    Finished,

    /// <summary>Stopped at a step boundary because the run was cancelled; metrics and checkpoint are durable.</summary>
    Stopped,

    /// <summary>Stopped at a step boundary because the silo is shutting down; another silo continues it.</summary>
    Interrupted,

    /// <summary>The attempt threw; the error says why.</summary>
    Failed,

    /// <summary>A newer attempt of the run claimed it (this silo was declared dead but kept running); this one stopped writing.</summary>
    Superseded,
}
