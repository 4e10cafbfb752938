using static TorchSharp.torch;

namespace Grokking.Training.Runs;

/// <summary>The training loss of a batch, shared by <see cref="RunTrainer"/> and the benchmark's bare loop.</summary>
public static class TrainingLoss
{
    /// <summary>
    /// Cross-entropy on class indices (labels [N], or [N, K] with outputs [N, K, C]: the mean over every scored
    /// position, as openai/grok's F.cross_entropy over the answer and end tokens), or with <paramref name="targets"/>
    /// (see <see cref="Tasks.RegressionTargets"/>) MSE onto each label's target row.
    /// </summary>
    /// <param name="float64">Log-softmax in float64 (Nanda et al.'s cross_entropy_high_precision) whatever the model's dtype.</param>
    public static Tensor Of(Tensor outputs, Tensor labels, Tensor? targets, bool float64 = false)
    {
        if (targets is not null) return nn.functional.mse_loss(outputs, targets.index_select(0, labels));
        if (labels.dim() == 2)
        {
            outputs = outputs.reshape(-1, outputs.shape[^1]);
            labels = labels.reshape(-1);
        }
        if (float64 && outputs.dtype != ScalarType.Float64) outputs = outputs.to_type(ScalarType.Float64);
        return nn.functional.cross_entropy(outputs, labels);
    }

    /// <summary>Per example, 1 where every scored position is predicted right (openai/grok's row accuracy), else 0.</summary>
    public static Tensor Correct(Tensor predicted, Tensor labels)
    {
        var equal = predicted.eq(labels);
        return labels.dim() == 2 ? equal.all(1) : equal;
    }
}
