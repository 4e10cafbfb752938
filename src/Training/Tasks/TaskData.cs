using TorchSharp;
using static TorchSharp.torch;

namespace Grokking.Training.Tasks;

/// <summary>A task's examples, split into training and validation sets, as tensors on the CPU.</summary>
public sealed class TaskData : IDisposable
{
    public TaskData(Tensor trainInputs, Tensor trainLabels, Tensor valInputs, Tensor valLabels, int classes,
        int vocabulary, NumberTokens numberTokens)
    {
        TrainInputs = trainInputs;
        TrainLabels = trainLabels;
        ValInputs = valInputs;
        ValLabels = valLabels;
        Classes = classes;
        Vocabulary = vocabulary;
        Numbers = numberTokens;
    }

    /// <summary>Training inputs: token ids [N, L] (int64) or features [N, F] (float).</summary>
    public Tensor TrainInputs { get; }

    /// <summary>Training labels: class indices [N] (int64), or [N, K] when K positions are scored (<see cref="AnswerPositions"/>).</summary>
    public Tensor TrainLabels { get; }

    public Tensor ValInputs { get; }

    public Tensor ValLabels { get; }

    /// <summary>Number of output classes (for token layouts that predict over the vocabulary, its size).</summary>
    public int Classes { get; }

    /// <summary>Token vocabulary size (0 for feature inputs).</summary>
    public int Vocabulary { get; }

    /// <summary>The number tokens and the structure RQI looks for in their embeddings.</summary>
    public NumberTokens Numbers { get; }

    /// <summary>
    /// MSE target vectors the task drew itself ([classes, dim]; Liu et al.'s NumPy draw, <see cref="TaskConfig.NumpySeed"/>);
    /// null: the trainer draws them from the run's seed (<see cref="Tasks.RegressionTargets"/>).
    /// </summary>
    public double[,]? Targets { get; init; }

    /// <summary>Output positions scored per example: 1, or 2 for openai/grok's layout (the answer and the end token).</summary>
    public int AnswerPositions => TrainLabels.dim() == 2 ? (int)TrainLabels.shape[1] : 1;

    /// <summary>True when inputs are token ids rather than feature vectors.</summary>
    public bool IsTokens => Vocabulary > 0;

    public long TrainCount => TrainLabels.shape[0];

    public long ValCount => ValLabels.shape[0];

    /// <summary>Input sequence length (tokens) or feature count.</summary>
    public long InputWidth => TrainInputs.shape[1];

    public void Dispose()
    {
        TrainInputs.Dispose();
        TrainLabels.Dispose();
        ValInputs.Dispose();
        ValLabels.Dispose();
    }

    /// <summary>A seeded, disjoint split of indices 0..count-1 into a training part of <paramref name="trainCount"/> and the rest.</summary>
    public static (long[] Train, long[] Val) Split(long count, long trainCount, long seed)
    {
        // A private PRNG (not torch's) so the split is identical on every machine and torch version.
        var order = SplitMix64.Permutation(count, (ulong)seed ^ 0x9E3779B97F4A7C15UL);
        var train = order[..(int)trainCount];
        var val = order[(int)trainCount..];
        Array.Sort(train);
        Array.Sort(val);
        return (train, val);
    }

    /// <summary>Number of training examples for a fraction of <paramref name="count"/>: at least one each side.</summary>
    public static long TrainCountFor(long count, double fraction) =>
        Math.Clamp((long)Math.Round(count * fraction, MidpointRounding.AwayFromZero), 1, count - 1);

    internal static Tensor Rows(long[,] table, long[] rows)
    {
        int width = table.GetLength(1);
        var flat = new long[rows.Length * width];
        for (int r = 0; r < rows.Length; r++)
            for (int c = 0; c < width; c++)
                flat[r * width + c] = table[rows[r], c];
        return tensor(flat, new long[] { rows.Length, width }, ScalarType.Int64);
    }

    internal static Tensor Pick(long[] values, long[] rows) =>
        tensor(rows.Select(r => values[r]).ToArray(), ScalarType.Int64);

    /// <summary>
    /// <paramref name="count"/> row indices drawn uniformly without replacement from 0..<paramref name="rows"/>-1 by a
    /// seeded permutation, in ascending order (all rows when there are fewer).
    /// </summary>
    public static long[] Sample(long rows, long count, ulong seed)
    {
        var order = SplitMix64.Permutation(rows, seed);
        var sample = order[..(int)Math.Min(count, rows)];
        Array.Sort(sample);
        return sample;
    }
}
