namespace Grokking.Training.Stopping;

/// <summary>Fires at the first evaluation whose validation loss is below <paramref name="level"/>
/// (<c>training.stop: { val_loss }</c>).</summary>
public sealed class ValLossBelow(double level) : IStopRule
{
    public string Reason => "val_loss";

    public bool Fired { get; private set; }

    public bool Observe(Evaluation evaluation) => Fired |= evaluation.ValLoss < level;

    public void Save(BinaryWriter w) => w.Write(Fired);

    public void Restore(BinaryReader r) => Fired = r.ReadBoolean();
}
