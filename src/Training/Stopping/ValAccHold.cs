namespace Grokking.Training.Stopping;

/// <summary>Fires once validation accuracy has been at or above <paramref name="target"/> for <paramref name="evals"/>
/// consecutive evaluations (<c>training.stop: { val_acc, evals }</c>).</summary>
public sealed class ValAccHold(double target, int evals) : IStopRule
{
    public string Reason => "val_acc";

    /// <summary>Consecutive evaluations at or above the target so far.</summary>
    public int Held { get; internal set; }

    public bool Fired => Held >= evals;

    public bool Observe(Evaluation evaluation)
    {
        if (!Fired) Held = evaluation.ValAcc >= target ? Held + 1 : 0;
        return Fired;
    }

    public void Save(BinaryWriter w) => w.Write(Held);

    public void Restore(BinaryReader r) => Held = r.ReadInt32();
}
