using Grokking.Training.Config;

namespace Grokking.Training.Tasks;

/// <summary>Liu et al.'s toy task: i + j for unordered pairs i &lt;= j of p symbols (55 pairs for p = 10).</summary>
public static class ToyAdditionTask
{
    public static TaskData Build(TaskConfig task, long seed)
    {
        int p = task.Modulus;
        var pairs = Pairs(p);
        var inputs = new long[pairs.Count, 2];
        var labels = new long[pairs.Count];
        for (int k = 0; k < pairs.Count; k++)
        {
            inputs[k, 0] = pairs[k].I;
            inputs[k, 1] = pairs[k].J;
            labels[k] = pairs[k].I + pairs[k].J;
        }
        var (train, val, targets) = Draw(pairs.Count, task, seed);
        return new TaskData(TaskData.Rows(inputs, train), TaskData.Pick(labels, train), TaskData.Rows(inputs, val),
            TaskData.Pick(labels, val), classes: 2 * p - 1, vocabulary: p,
            new NumberTokens(First: 0, Count: p, ParallelogramModulus: 0)) { Targets = task.Loss == "mse" ? targets : null };
    }

    /// <summary>
    /// Liu et al.'s ideal accuracy on the held-out pairs: the share a model with a perfect representation of the
    /// training set could get right. A held-out pair (i, j) counts when some training pair (m, n) has the same
    /// sum and the parallelogram E_i + E_j = E_m + E_n follows linearly from those the training set holds
    /// (pairs of training pairs with equal sums). It depends only on the split, not on training.
    /// </summary>
    public static double IdealValidationAccuracy(TaskConfig task, long seed)
    {
        int p = task.Modulus;
        var pairs = Pairs(p);
        var (train, val, _) = Draw(pairs.Count, task, seed);
        var basis = new RowSpace(p);
        for (int a = 0; a < train.Length; a++)
            for (int b = a + 1; b < train.Length; b++)
                if (Sum(pairs[(int)train[a]]) == Sum(pairs[(int)train[b]]))
                    basis.Add(Parallelogram(p, pairs[(int)train[a]], pairs[(int)train[b]]));
        int inferred = val.Count(v => train.Any(t =>
            Sum(pairs[(int)t]) == Sum(pairs[(int)v]) && basis.Contains(Parallelogram(p, pairs[(int)v], pairs[(int)t]))));
        return (double)inferred / val.Length;
    }

    private static List<(int I, int J)> Pairs(int p)
    {
        var pairs = new List<(int I, int J)>();
        for (int i = 0; i < p; i++)
            for (int j = i; j < p; j++)
                pairs.Add((i, j));
        return pairs;
    }

    /// <summary>
    /// The train/validation split of the pairs (the same for training and for the ideal accuracy) and, with
    /// <see cref="TaskConfig.NumpySeed"/>, the targets: then both are NumPy's, in train_add.py's order: the
    /// [2p - 1, output_dim] templates from np.random.normal first (line 94; output_dim is 2p - 1 for cross-entropy,
    /// lines 84-86), then np.random.choice(all_num, train_num, replace=False) (line 148).
    /// </summary>
    private static (long[] Train, long[] Val, double[,]? Targets) Draw(int count, TaskConfig task, long seed)
    {
        long trainCount = TaskData.TrainCountFor(count, task.TrainFraction);
        if (task.NumpySeed is not { } numpySeed)
        {
            var (train, val) = TaskData.Split(count, trainCount, seed);
            return (train, val, null);
        }
        var random = new NumpyLegacyRandom((uint)numpySeed);
        int classes = 2 * task.Modulus - 1;
        int outputs = task.Loss == "ce" ? classes : task.TargetDim;
        var targets = new double[classes, outputs];
        for (int i = 0; i < classes; i++)
            for (int j = 0; j < outputs; j++)
                targets[i, j] = random.NextGaussian();
        var order = random.Permutation(count);
        var trainRows = order[..(int)trainCount];
        var valRows = order[(int)trainCount..];
        Array.Sort(trainRows);
        Array.Sort(valRows);
        return (trainRows, valRows, targets);
    }

    private static int Sum((int I, int J) pair) => pair.I + pair.J;

    /// <summary>The coefficients of E_i + E_j - E_m - E_n.</summary>
    private static double[] Parallelogram(int p, (int I, int J) a, (int I, int J) b)
    {
        var row = new double[p];
        row[a.I]++;
        row[a.J]++;
        row[b.I]--;
        row[b.J]--;
        return row;
    }

    /// <summary>A row space kept in echelon form (small integer rows, so a fixed tolerance is safe).</summary>
    private sealed class RowSpace(int columns)
    {
        private const double Tolerance = 1e-9;
        private readonly List<(int Pivot, double[] Row)> rows = [];

        public void Add(double[] row)
        {
            var reduced = Reduce(row);
            int pivot = Array.FindIndex(reduced, x => Math.Abs(x) > Tolerance);
            if (pivot >= 0) rows.Add((pivot, reduced));
        }

        public bool Contains(double[] row) => Reduce(row).All(x => Math.Abs(x) <= Tolerance);

        private double[] Reduce(double[] row)
        {
            var r = (double[])row.Clone();
            foreach (var (pivot, basis) in rows)
            {
                double f = r[pivot] / basis[pivot];
                if (f == 0) continue;
                for (int c = 0; c < columns; c++) r[c] -= f * basis[c];
            }
            return r;
        }
    }
}
