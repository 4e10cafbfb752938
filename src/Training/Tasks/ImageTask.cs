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
        // The files ImageDataIdentity hashes into the run id: training images and labels, then test images and labels.
        var files = IdxFile.RequiredFiles.Select(name => Load(task.DataDir, name)).ToArray();
        var (trainImages, trainLabels, testImages, testLabels) = (files[0], files[1], files[2], files[3]);
        int available = trainImages.Shape[0];
        if (task.TrainSize > available)
            throw new ArgumentException($"task.train_size {task.TrainSize} exceeds the {available} training images in {task.DataDir}.");
        int valCount = task.ValSize == 0 ? testImages.Shape[0] : Math.Min(task.ValSize, testImages.Shape[0]);
        var (train, _) = TaskData.Split(available, task.TrainSize, seed);
        var val = Enumerable.Range(0, valCount).Select(i => (long)i).ToArray();
        return new TaskData(Features(trainImages, train), Labels(trainLabels, train), Features(testImages, val),
            Labels(testLabels, val), classes: 10, vocabulary: 0, NumberTokens.None);
    }

    private static (int[] Shape, byte[] Data) Load(string folder, string name)
    {
        var path = IdxFile.Locate(folder, name)
            ?? throw new FileNotFoundException($"{name} (or {name}.gz) not found in {folder}. Fashion-MNIST: apt-get install dataset-fashion-mnist.");
        return Files.GetOrAdd(Path.GetFullPath(path), p => new Lazy<(int[], byte[])>(() => IdxFile.Read(p))).Value;
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
