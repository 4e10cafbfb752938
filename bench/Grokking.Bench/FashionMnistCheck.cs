using Grokking.Training.Tasks;

namespace Grokking.Bench;

/// <summary>The image workload needs Fashion-MNIST on disk; says how to get it when it is not.</summary>
public static class FashionMnistCheck
{
    /// <summary>Null when every IDX file is present in <paramref name="folder"/>; otherwise what is missing and how to install it.</summary>
    public static string? Problem(string folder)
    {
        const string install = "Install it with: apt-get install dataset-fashion-mnist";
        if (!Directory.Exists(folder))
            return $"error: the image MLP benchmark needs Fashion-MNIST in {folder}, which does not exist. {install}";
        var missing = IdxFile.RequiredFiles.Where(name => IdxFile.Locate(folder, name) is null).ToList();
        return missing.Count == 0
            ? null
            : $"error: {folder} lacks {string.Join(", ", missing)} (raw or .gz). {install}";
    }
}
