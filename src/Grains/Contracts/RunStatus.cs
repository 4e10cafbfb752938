namespace Grokking.Grains.Contracts;

/// <summary>Where a run is in its life.</summary>
[GenerateSerializer]
public enum RunStatus
{
    /// <summary>Not started, or waiting to be dispatched again after a failure or a lost silo.</summary>
    Pending,

    /// <summary>Handed to a silo's training engine.</summary>
    Running,

    /// <summary>Trained to its budget or its early-stop rule; final metrics are durable.</summary>
    Done,

    /// <summary>Failed more than the sweep's max_failures times; the last error is recorded.</summary>
    Failed,

    /// <summary>Stopped by a cancel; what was written is kept.</summary>
    Cancelled,
}
