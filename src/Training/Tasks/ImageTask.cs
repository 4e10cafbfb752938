using System.Collections.Concurrent;
using Grokking.Training.Config;
using static TorchSharp.torch;

namespace Grokking.Training.Tasks;

/// <summary>Image classification from IDX files: a seeded subset of the training file, validation from the test file.</summary>
public static class ImageTask
{
    // Runs of one sweep share the files; decoding 60,000 images per run would dominate short runs.
    private static readonly ConcurrentDictionary<string, Lazy<(int[] Shape, byte[] Data)>> Files = new();

    public static TaskData Build(TaskConfig task, long seed)
    {
        var (trainImages, trainLabels) = Load(task.DataDir, "train");
        var (testImages, testLabels) = Load(task.DataDir, "t10k");
        int available = trainImages.Shape[0];
        if (task.TrainSize > available)
            throw new ArgumentException($"task.train_size {task.TrainSize} exceeds the {available} training images in {task.DataDir}.");
        int valCount = task.ValSize == 0 ? testImages.Shape[0] : Math.Min(task.ValSize, testImages.Shape[0]);
        var (train, _) = TaskData.Split(available, task.TrainSize, seed);
        var val = Enumerable.Range(0, valCount).Select(i => (long)i).ToArray();
        return new TaskData(Features(trainImages, train), Labels(trainLabels, train), Features(testImages, val),
            Labels(testLabels, val), classes: 10, vocabulary: 0, NumberTokens.None);
    }

    private static ((int[] Shape, byte[] Data) Images, (int[] Shape, byte[] Data) Labels) Load(string folder, string prefix)
    {
        (int[], byte[]) Read(string name)
        {
            var path = IdxFile.Locate(folder, name)
                ?? throw new FileNotFoundException($"{name} (or {name}.gz) not found in {folder}. Fashion-MNIST: apt-get install dataset-fashion-mnist.");
            return Files.GetOrAdd(Path.GetFullPath(path), p => new Lazy<(int[], byte[])>(() => IdxFile.Read(p))).Value;
        }
        return (Read($"{prefix}-images-idx3-ubyte"), Read($"{prefix}-labels-idx1-ubyte"));
    }

    private static Tensor Features((int[] Shape, byte[] Data) images, long[] rows)
    {
        int pixels = images.Shape[1] * images.Shape[2];
        var flat = new float[rows.Length * pixels];
        for (int r = 0; r < rows.Length; r++)
        {
            int offset = (int)rows[r] * pixels;
            for (int c = 0; c < pixels; c++) flat[r * pixels + c] = images.Data[offset + c] / 255f;
        }
        return tensor(flat, new long[] { rows.Length, pixels });
    }

    private static Tensor Labels((int[] Shape, byte[] Data) labels, long[] rows) =>
        tensor(rows.Select(r => (long)labels.Data[r]).ToArray(), ScalarType.Int64);
}
