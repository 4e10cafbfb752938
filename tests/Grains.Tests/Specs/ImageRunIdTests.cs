using System.Buffers.Binary;
using System.Diagnostics;
using Grokking.Grains.Specs;
using Grokking.Training.Config;
using Grokking.Training.Tasks;

namespace Grokking.Grains.Tests.Specs;

public sealed class ImageRunIdTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("grokking-image-ids-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public void The_same_files_in_two_folders_get_the_same_run_id()
    {
        var here = ImageFolder("cluster-a/datasets/mnist");
        var there = Copy(here, "cluster-b/mnt/shared/idx");

        var a = SpecParser.Parse(Spec(here)).Expand();
        var b = SpecParser.Parse(Spec(there)).Expand();

        Assert.Equal(a.Select(r => r.RunId), b.Select(r => r.RunId));
        // The config keeps the folder for training; only the id leaves it out.
        Assert.Equal(there, b[0].Config.Task.DataDir);
    }

    [Fact]
    public void Image_canonical_text_names_the_data_by_content_hash_instead_of_its_folder()
    {
        var folder = ImageFolder("data");

        var text = RunId.CanonicalText(SpecParser.Parse(Spec(folder)).Base);

        Assert.Matches("\ntask\\.data=sha256:[0-9a-f]{64}\n", text);
        Assert.DoesNotContain("task.data_dir", text);
        Assert.DoesNotContain(folder, text);
    }

    [Fact]
    public void Different_file_content_gives_a_different_run_id()
    {
        var original = ImageFolder("original");
        var relabelled = Copy(original, "relabelled");
        var labels = File.ReadAllBytes(Path.Combine(relabelled, "train-labels-idx1-ubyte"));
        labels[^1] = (byte)((labels[^1] + 1) % 10);
        File.WriteAllBytes(Path.Combine(relabelled, "train-labels-idx1-ubyte"), labels);

        Assert.NotEqual(SpecParser.Parse(Spec(original)).Expand()[0].RunId, SpecParser.Parse(Spec(relabelled)).Expand()[0].RunId);
    }

    [Fact]
    public void A_file_rewritten_in_place_gets_a_new_id_in_the_same_process()
    {
        var folder = ImageFolder("rewritten");
        var before = SpecParser.Parse(Spec(folder)).Expand()[0].RunId;
        var images = Path.Combine(folder, "t10k-images-idx3-ubyte");
        var bytes = File.ReadAllBytes(images);
        bytes[^1] = 255;
        File.WriteAllBytes(images, bytes);
        File.SetLastWriteTimeUtc(images, File.GetLastWriteTimeUtc(images).AddSeconds(5));

        Assert.NotEqual(before, SpecParser.Parse(Spec(folder)).Expand()[0].RunId);
    }

    [Fact]
    public void Gzipped_files_are_identified_by_their_own_names_and_bytes()
    {
        var raw = ImageFolder("raw");
        var gz = Directory.CreateDirectory(Path.Combine(_work, "gz")).FullName;
        foreach (var name in IdxFile.RequiredFiles)
        {
            using var output = new System.IO.Compression.GZipStream(File.Create(Path.Combine(gz, name + ".gz")), System.IO.Compression.CompressionLevel.Optimal);
            output.Write(File.ReadAllBytes(Path.Combine(raw, name)));
        }

        Assert.Matches("^sha256:[0-9a-f]{64}$", ImageDataIdentity.Of(gz));
        Assert.NotEqual(ImageDataIdentity.Of(raw), ImageDataIdentity.Of(gz));
        Assert.Equal(ImageDataIdentity.Of(gz), ImageDataIdentity.Of(Copy(gz, "gz-copy")));
    }

    [Fact]
    public void A_data_file_too_large_to_be_idx_is_refused_with_the_spec_without_hashing_it()
    {
        var folder = ImageFolder("huge");
        // A valid header, then a sparse gigabyte: only hashing would read it all.
        using (var images = File.OpenWrite(Path.Combine(folder, "train-images-idx3-ubyte")))
            images.SetLength(ImageDataIdentity.MaxFileBytes + 1);

        var error = Assert.Throws<SpecException>(() => SpecParser.Parse(Spec(folder)));

        Assert.Equal("task.data_dir", error.Field);
        Assert.Contains($"cannot read the IDX files in {folder}", error.Message);
        Assert.Contains("accepted: IDX files of at most 1024 MB of data", error.Message);
    }

    [Fact]
    public void A_run_config_whose_data_folder_vanished_gets_a_spec_error_naming_data_dir()
    {
        var missing = Path.Combine(_work, "gone");
        var config = new RunConfig { Task = new TaskConfig { Kind = "image", DataDir = missing }, Model = new ModelConfig { Kind = "mlp" } };

        var error = Assert.Throws<SpecException>(() => RunId.For(config));

        Assert.Equal("task.data_dir", error.Field);
        Assert.Contains($"train-images-idx3-ubyte (or train-images-idx3-ubyte.gz) not found in {missing}", error.Message);
        Assert.Contains("it must hold train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (raw or .gz)",
            error.Message);
    }

    [Fact]
    public void A_ten_thousand_run_fashion_mnist_grid_hashes_its_files_once()
    {
        const string fashionMnist = "/usr/share/datasets/fashion-mnist";
        Assert.True(Directory.Exists(fashionMnist), $"{fashionMnist} is missing: apt-get install dataset-fashion-mnist");
        var spec = $"name: big\ntask: {{ kind: image, data_dir: {fashionMnist} }}\nmodel: {{ kind: mlp, depth: 2, width: 16 }}\n"
            + "grid:\n  lr: { log_range: [1e-4, 1e-2], points: 100 }\n  weight_decay: { range: [0, 1], points: 100 }\n";

        var clock = Stopwatch.StartNew();
        var runs = SpecParser.Parse(spec).Expand();

        Assert.Equal(10_000, runs.Count);
        Assert.Equal(10_000, runs.Select(r => r.RunId).Distinct().Count());
        // Hashing the 30 MB once takes well under a second; once per run it would take many minutes.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"parsing and expanding took {clock.Elapsed}");
    }

    private static string Spec(string dataDir) =>
        $"name: images\ntask: {{ kind: image, data_dir: \"{dataDir}\", train_size: 5, val_size: 5 }}\n"
        + "model: { kind: mlp, depth: 2, width: 16 }\ngrid:\n  seed: [0, 1]\n";

    /// <summary>A folder of the four MNIST-format files: 20 distinct 28x28 images and labels 0-9 each.</summary>
    private string ImageFolder(string relative)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_work, relative)).FullName;
        var images = Idx([20, 28, 28], 20 * 28 * 28);
        for (int i = 16; i < images.Length; i++) images[i] = (byte)(i * 7);
        var labels = Idx([20], 20);
        for (int i = 0; i < 20; i++) labels[8 + i] = (byte)(i % 10);
        File.WriteAllBytes(Path.Combine(folder, "train-images-idx3-ubyte"), images);
        File.WriteAllBytes(Path.Combine(folder, "train-labels-idx1-ubyte"), labels);
        File.WriteAllBytes(Path.Combine(folder, "t10k-images-idx3-ubyte"), images);
        File.WriteAllBytes(Path.Combine(folder, "t10k-labels-idx1-ubyte"), labels);
        return folder;
    }

    private string Copy(string from, string relative)
    {
        var to = Directory.CreateDirectory(Path.Combine(_work, relative)).FullName;
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        return to;
    }

    /// <summary>An IDX file of unsigned bytes whose header says <paramref name="shape"/>, with <paramref name="bytes"/> zero bytes of data.</summary>
    private static byte[] Idx(int[] shape, int bytes)
    {
        var file = new byte[4 + 4 * shape.Length + bytes];
        file[2] = 0x08;
        file[3] = (byte)shape.Length;
        for (int i = 0; i < shape.Length; i++) BinaryPrimitives.WriteInt32BigEndian(file.AsSpan(4 + 4 * i), shape[i]);
        return file;
    }
}
