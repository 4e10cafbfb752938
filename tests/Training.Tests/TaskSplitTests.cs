using TorchSharp;
using Grokking.Training.Config;
using Grokking.Training.Tasks;

namespace Grokking.Training.Tests;

public class TaskSplitTests
{
    [Fact]
    public void Split_sizes_follow_the_train_fraction_and_the_parts_are_disjoint_and_complete()
    {
        using var data = ModularTask.Build(new TaskConfig { Operation = "x+y", Modulus = 23, TrainFraction = 0.3 }, seed: 4);
        Assert.Equal(159, data.TrainCount); // round(0.3 * 529)
        Assert.Equal(529 - 159, data.ValCount);
        var train = Pairs(data.TrainInputs);
        var val = Pairs(data.ValInputs);
        Assert.Empty(train.Intersect(val));
        Assert.Equal(529, train.Union(val).Count());
    }

    [Fact]
    public void Same_seed_gives_the_same_split_and_another_seed_a_different_one()
    {
        var task = new TaskConfig { Operation = "x-y", Modulus = 13, TrainFraction = 0.5 };
        var (a, _) = TaskData.Split(169, 85, 7);
        var (b, _) = TaskData.Split(169, 85, 7);
        var (c, _) = TaskData.Split(169, 85, 8);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        using var d1 = ModularTask.Build(task, 7);
        using var d2 = ModularTask.Build(task, 7);
        Assert.Equal(Pairs(d1.TrainInputs), Pairs(d2.TrainInputs));
    }

    [Fact]
    public void Compact_and_Nanda_layouts_tokenise_as_documented()
    {
        using var compact = ModularTask.Build(new TaskConfig { Modulus = 5, Layout = "compact", TrainFraction = 0.5 }, 0);
        using var nanda = ModularTask.Build(new TaskConfig { Modulus = 5, Layout = "nanda", TrainFraction = 0.5 }, 0);
        Assert.Equal(4, compact.InputWidth);
        var row = compact.TrainInputs[0].data<long>().ToArray();
        Assert.Equal(5, row[1]); // op token follows the 5 number tokens
        Assert.Equal(6, row[3]); // then "="
        Assert.Equal(7, compact.Vocabulary);
        Assert.Equal(5, compact.Classes);
        // Nanda et al.: (x, y, =) with '=' = p, d_vocab = p + 1 for the embedding and the unembedding.
        Assert.Equal(3, nanda.InputWidth);
        Assert.Equal(5, nanda.ValInputs[0].data<long>().ToArray()[2]);
        Assert.Equal(6, nanda.Vocabulary);
        Assert.Equal(6, nanda.Classes);
        Assert.Equal(1, nanda.AnswerPositions);
    }

    [Fact]
    public void Power_layout_is_openai_grok_s_sequence_and_vocabulary()
    {
        // grok/data.py: "<|eos|> x / y = z <|eos|>" (250, 357) fed without its last token (469-470), scored at z and
        // the end token (training.py:301-314); vocabulary <|eos|>, =, 20 operators, 97 numbers, 120 permutations.
        using var data = ModularTask.Build(new TaskConfig { Operation = "x/y", Modulus = 97, Layout = "power", TrainFraction = 0.5 }, 0);
        Assert.Equal(239, data.Vocabulary);
        Assert.Equal(239, data.Classes);
        Assert.Equal(6, data.InputWidth);
        Assert.Equal(2, data.AnswerPositions);
        Assert.Equal(4656, data.TrainCount); // half of 97 x 96
        var row = data.TrainInputs[0].data<long>().ToArray();
        var label = data.TrainLabels[0].data<long>().ToArray();
        Assert.Equal(0, row[0]);
        Assert.Equal(1, row[4]);
        long x = row[1] - 22, y = row[3] - 22, z = row[5] - 22;
        Assert.Equal(x, z * y % 97); // x / y = z
        Assert.Equal(new[] { row[5], 0L }, label);
        Assert.Equal(22, data.Numbers.First);
        Assert.Null(data.Numbers.ParallelogramModulus); // RQI is undefined for division
    }

    [Fact]
    public void Rqi_is_defined_for_addition_and_subtraction_only()
    {
        foreach (var (operation, modulus) in new (string, int?)[] { ("x+y", 7), ("x-y", 7), ("x/y", null), ("x^2+y^2", null), ("s5:x*y", null) })
        {
            using var data = ModularTask.Build(new TaskConfig { Operation = operation, Modulus = 7, TrainFraction = 0.5 }, 0);
            Assert.Equal(modulus, data.Numbers.ParallelogramModulus);
        }
        using var toy = ToyAdditionTask.Build(new TaskConfig { Kind = "toy", Modulus = 10, TrainFraction = 45.0 / 55 }, 0);
        Assert.Equal(0, toy.Numbers.ParallelogramModulus);
    }

    [Fact]
    public void Toy_task_has_the_55_unordered_pairs_of_Liu_et_al_with_45_for_training()
    {
        using var data = ToyAdditionTask.Build(new TaskConfig { Kind = "toy", Modulus = 10, TrainFraction = 45.0 / 55 }, 0);
        Assert.Equal(45, data.TrainCount);
        Assert.Equal(10, data.ValCount);
        Assert.Equal(19, data.Classes);
        var inputs = data.TrainInputs.data<long>().ToArray();
        var labels = data.TrainLabels.data<long>().ToArray();
        for (int i = 0; i < labels.Length; i++)
        {
            Assert.True(inputs[2 * i] <= inputs[2 * i + 1]);
            Assert.Equal(inputs[2 * i] + inputs[2 * i + 1], labels[i]);
        }
    }

    [Fact]
    public void Image_task_reads_a_seeded_subset_of_fashion_mnist()
    {
        const string folder = "/usr/share/datasets/fashion-mnist";
        Assert.True(Directory.Exists(folder), $"{folder} is missing: apt-get install dataset-fashion-mnist");
        var task = new TaskConfig { Kind = "image", DataDir = folder, TrainSize = 300, ValSize = 200 };
        using var data = ImageTask.Build(task, 1);
        Assert.Equal([300L, 784L], data.TrainInputs.shape);
        Assert.Equal(200, data.ValCount);
        Assert.InRange(data.TrainInputs.max().ToSingle(), 0.9f, 1.0f);
        Assert.InRange(data.TrainLabels.max().ToInt64(), 5, 9);
        var error = Assert.Throws<ArgumentException>(() => ImageTask.Build(task with { TrainSize = 70_000 }, 1));
        Assert.Contains("train_size", error.Message);
    }

    private static HashSet<(long, long)> Pairs(TorchSharp.torch.Tensor inputs)
    {
        var flat = inputs.data<long>().ToArray();
        long width = inputs.shape[1];
        var result = new HashSet<(long, long)>();
        for (long i = 0; i < inputs.shape[0]; i++) result.Add((flat[i * width], flat[i * width + width - 2]));
        return result;
    }

    [Theory]
    [InlineData(0, 0.8)]
    [InlineData(1, 1.0)]
    [InlineData(5, 0.7)]
    public void Liu_ideal_accuracy_counts_the_held_out_pairs_the_training_parallelograms_imply(long seed, double ideal)
    {
        // Values checked against an independent implementation of Liu et al.'s definition (exact rational ranks).
        var task = new TaskConfig { Kind = "toy", Modulus = 10, TrainFraction = 0.8182 };
        Assert.Equal(ideal, ToyAdditionTask.IdealValidationAccuracy(task, seed), 12);
    }

    [Fact]
    public void Liu_ideal_accuracy_is_zero_when_no_training_pairs_share_a_sum()
    {
        // p = 3: only (0, 2) and (1, 1) share a sum, and E0 + E2 = 2 E1 follows from no other parallelogram.
        var task = new TaskConfig { Kind = "toy", Modulus = 3, TrainFraction = 0.34 };
        Assert.Equal(0.0, ToyAdditionTask.IdealValidationAccuracy(task, 0));
    }
}
