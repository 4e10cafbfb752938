using Grokking.Training.Config;

namespace Grokking.Training.Runs;

/// <summary>
/// An upper estimate of the memory one run needs, from its configuration alone (no tensor is allocated), so a run
/// that cannot fit is refused with the numbers before torch tries and dies with an out-of-memory error or an
/// unhandled native exception. Deliberately generous: every size is rounded up (the data's row count, the
/// vocabulary, the sequence length), parameters are counted with biases and norms, and each parameter is charged
/// for its weights, its gradient, AdamW's two moments, a pull-to-init anchor and a checkpoint copy.
/// </summary>
public sealed record MemoryEstimate(long Parameters, long ParameterBytes, long ActivationBytes, long DataBytes)
{
    /// <summary>Copies of each parameter a run holds: weights, gradient, two moments, anchor, checkpoint buffer.</summary>
    private const int CopiesPerParameter = 6;

    /// <summary>Images in a test file when val_size is 0 ("all"): Fashion-MNIST's and MNIST's 10,000.</summary>
    private const long DefaultTestImages = 10_000;

    public long TotalBytes => ParameterBytes + ActivationBytes + DataBytes;

    /// <summary>The estimate for <paramref name="config"/>.</summary>
    public static MemoryEstimate For(RunConfig config)
    {
        var (task, model, training) = (config.Task, config.Model, config.Training);
        int bytes = training.Dtype == "float64" ? 8 : 4;
        if (task.Kind == "noop") return new MemoryEstimate(0, 0, 0, 0);

        var shape = Shape(task);
        long outputs = task.TargetDim > 0 ? task.TargetDim : shape.Classes;
        long batch = training.BatchFor(shape.TrainRows);
        long width = model.Width;
        long parameters;
        long activationsPerRow; // numbers one row keeps for the backward pass

        switch (model.Kind)
        {
            case "transformer":
            {
                long ffn = model.FfnWidth > 0 ? model.FfnWidth : 4 * width;
                long block = 4 * width * width + 4 * width + 2 * width * ffn + ffn + width + 4 * width; // attention, FFN, two norms
                parameters = shape.Vocabulary * width + shape.Sequence * width + model.Depth * block + 2 * width + width * outputs + outputs;
                // Per block and position: q, k, v, attention output, residuals, norms, FFN hidden twice; plus the attention maps.
                activationsPerRow = model.Depth * (shape.Sequence * (12 * width + 2 * ffn) + (long)model.Heads * shape.Sequence * shape.Sequence * 2)
                    + shape.Sequence * (2 * width + outputs);
                break;
            }
            case "toy":
            {
                long embedding = model.EmbeddingDim > 0 ? model.EmbeddingDim : 1;
                parameters = shape.Vocabulary * embedding + Mlp(embedding, width, model.Depth, outputs);
                activationsPerRow = 2 * (embedding + (model.Depth - 1) * width + outputs);
                break;
            }
            default: // mlp
            {
                long embedding = model.EmbeddingDim > 0 ? model.EmbeddingDim : width;
                long input = shape.Vocabulary > 0 ? shape.Sequence * embedding : shape.InputWidth;
                parameters = shape.Vocabulary * embedding + Mlp(input, width, model.Depth, outputs);
                activationsPerRow = 2 * (input + (model.Depth - 1) * width + outputs);
                break;
            }
        }

        // Training keeps a batch's activations and their gradients; evaluation runs the whole validation split without
        // gradients; the feature-rank probe keeps its rows' features and a width x width covariance per layer (float64).
        long training_ = 2 * batch * activationsPerRow;
        long evaluation = Math.Max(shape.ValRows, shape.TrainRows) * activationsPerRow / 2;
        long widest = Math.Max(width, model.Kind == "transformer" && model.FfnWidth > 0 ? model.FfnWidth : width);
        long rank = training.RankEvery > 0 ? (long)training.ProbeSize * widest * 2 + 4 * widest * widest * 8 / bytes : 0;
        long activations = (training_ + Math.Max(evaluation, rank)) * bytes;

        long data = (shape.TrainRows + shape.ValRows) * (shape.Vocabulary > 0 ? shape.Sequence * 8L : shape.InputWidth * 4L + 8);
        return new MemoryEstimate(parameters, parameters * bytes * CopiesPerParameter, activations, data);
    }

    /// <summary>Weights and biases of Linear(input, width), depth - 2 Linear(width, width), Linear(width, outputs).</summary>
    private static long Mlp(long input, long width, int depth, long outputs) =>
        depth == 1
            ? input * outputs + outputs
            : input * width + width + (depth - 2) * (width * width + width) + width * outputs + outputs;

    /// <summary>Upper bounds on the task's sizes, without building it.</summary>
    private static (long TrainRows, long ValRows, long Vocabulary, long Sequence, long InputWidth, long Classes) Shape(TaskConfig task)
    {
        switch (task.Kind)
        {
            case "image":
                return (task.TrainSize, task.ValSize > 0 ? task.ValSize : DefaultTestImages, 0, 0, 28 * 28, 10);
            case "toy":
            {
                long pairs = (long)task.Modulus * (task.Modulus + 1) / 2;
                return (pairs, pairs, task.Modulus, 2, 2, 2L * task.Modulus - 1);
            }
            default:
            {
                // Every layout's vocabulary is at most p plus openai/grok's 142 other tokens, its rows at most 6 tokens.
                long pairs = (long)task.Modulus * task.Modulus;
                long vocabulary = task.Modulus + 142;
                return (pairs, pairs, vocabulary, 6, 6, vocabulary);
            }
        }
    }

    /// <summary>A byte count as people read it: 1.5 GB, 730 MB.</summary>
    public static string Describe(long bytes) => bytes switch
    {
        >= 1L << 40 => $"{bytes / (double)(1L << 40):#,0.#} TiB",
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.#} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0} MiB",
        _ => $"{Math.Max(1, bytes / 1024)} KiB",
    };
}
