using static TorchSharp.torch;

namespace Grokking.Training.Runs;

/// <summary>The training loss of a batch, shared by <see cref="RunTrainer"/> and the benchmark's bare loop.</summary>
public static class TrainingLoss
{
    /// <summary>Cross-entropy on class indices, or with <paramref name="targets"/> (see <see cref="Tasks.RegressionTargets"/>) MSE onto each label's target row.</summary>
    public static Tensor Of(Tensor outputs, Tensor labels, Tensor? targets) => targets is null
        ? nn.functional.cross_entropy(outputs, labels)
        : nn.functional.mse_loss(outputs, targets.index_select(0, labels));
}
