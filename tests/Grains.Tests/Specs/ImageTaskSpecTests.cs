using Grokking.Grains.Specs;

namespace Grokking.Grains.Tests.Specs;

public sealed class ImageTaskSpecTests
{
    private const string FashionMnist = "/usr/share/datasets/fashion-mnist";

    private static string Spec(string sizes) => $"""
        name: fashion
        task:
          kind: image
          data_dir: {FashionMnist}
          {sizes}
        model: {"{"} kind: mlp, depth: 3, width: 200 {"}"}
        """;

    private static void RequireDataset()
    {
        if (!Directory.Exists(FashionMnist))
            Assert.Fail($"Fashion-MNIST is not installed at {FashionMnist}; install it with: apt-get install dataset-fashion-mnist");
    }

    [Fact]
    public void Train_size_within_the_training_file_is_accepted()
    {
        RequireDataset();

        var spec = SpecParser.Parse(Spec("train_size: 1000"));

        Assert.Equal(1000, spec.Base.Task.TrainSize);
        Assert.Equal(FashionMnist, spec.Base.Task.DataDir);
    }

    [Fact]
    public void Train_size_beyond_the_training_file_is_refused()
    {
        RequireDataset();

        var error = Assert.Throws<SpecException>(() => SpecParser.Parse(Spec("train_size: 70000")));

        Assert.Equal("task.train_size", error.Field);
        Assert.Equal(5, error.Line);
        Assert.Contains("must not exceed the 60000 images", error.Message);
    }

    [Fact]
    public void Val_size_beyond_the_test_file_is_refused()
    {
        RequireDataset();

        var error = Assert.Throws<SpecException>(() => SpecParser.Parse(Spec("val_size: 10001")));

        Assert.Equal("task.val_size", error.Field);
        Assert.Contains("10000 images in t10k-images-idx3-ubyte.gz", error.Message);
    }

    [Fact]
    public void Train_size_swept_beyond_the_file_is_refused_at_the_grid_value()
    {
        RequireDataset();

        var error = Assert.Throws<SpecException>(() =>
            SpecParser.Parse(Spec("train_size: 1000") + "\ngrid:\n  train_size: [1000, 60000, 60001]\n"));

        Assert.Equal("grid.train_size", error.Field);
        Assert.Equal(8, error.Line);
        Assert.Contains("train_size=60001", error.Message);
    }

    [Fact]
    public void Folder_without_the_idx_files_is_refused_listing_what_is_missing()
    {
        var empty = Directory.CreateTempSubdirectory("grokking-empty-").FullName;
        try
        {
            var error = Assert.Throws<SpecException>(() =>
                SpecParser.Parse($"name: x\ntask: {{ kind: image, data_dir: {empty} }}\nmodel: {{ kind: mlp }}\n"));

            Assert.Equal("task.data_dir", error.Field);
            Assert.Contains("lacks train-images-idx3-ubyte, train-labels-idx1-ubyte", error.Message);
        }
        finally
        {
            Directory.Delete(empty);
        }
    }
}
