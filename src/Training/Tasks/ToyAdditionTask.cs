using Grokking.Training.Config;

namespace Grokking.Training.Tasks;

/// <summary>Liu et al.'s toy task: i + j for unordered pairs i &lt;= j of p symbols (55 pairs for p = 10).</summary>
public static class ToyAdditionTask
{
    public static TaskData Build(TaskConfig task, long seed)
    {
        int p = task.Modulus;
        var pairs = new List<(int I, int J)>();
        for (int i = 0; i < p; i++)
            for (int j = i; j < p; j++)
                pairs.Add((i, j));
        var inputs = new long[pairs.Count, 2];
        var labels = new long[pairs.Count];
        for (int k = 0; k < pairs.Count; k++)
        {
            inputs[k, 0] = pairs[k].I;
            inputs[k, 1] = pairs[k].J;
            labels[k] = pairs[k].I + pairs[k].J;
        }
        var (train, val) = TaskData.Split(pairs.Count, TaskData.TrainCountFor(pairs.Count, task.TrainFraction), seed);
        return new TaskData(TaskData.Rows(inputs, train), TaskData.Pick(labels, train), TaskData.Rows(inputs, val),
            TaskData.Pick(labels, val), classes: 2 * p - 1, vocabulary: p, numberTokens: p, hasArithmeticTokens: true);
    }
}
