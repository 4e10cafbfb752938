namespace Grokking.Training.Stopping;

/// <summary>
/// A per-run stopping rule: it watches the full evaluations and fires once the run has shown what it was run for.
/// Its state is part of the run's checkpoint, so a resumed run stops at the step an uninterrupted one would.
/// </summary>
public interface IStopRule
{
    /// <summary>Why the run stopped when this rule fired, as the outcome's stop reason reads it (e.g. <c>val_acc</c>).</summary>
    string Reason { get; }

    /// <summary>True once the rule has fired; it stays true.</summary>
    bool Fired { get; }

    /// <summary>Takes the run's next evaluation (in step order) and returns <see cref="Fired"/>.</summary>
    bool Observe(Evaluation evaluation);

    /// <summary>Writes the rule's state (part of a checkpoint).</summary>
    void Save(BinaryWriter w);

    /// <summary>Reads state written by <see cref="Save"/>.</summary>
    void Restore(BinaryReader r);
}
