using Grokking.Training.Tasks;

namespace Grokking.Grains.Specs;

/// <summary>What an image task's data folder holds: the image counts of its IDX files, or why it cannot be used.</summary>
internal sealed record DataFolder(string? Problem, string TrainFile, int TrainCount, string TestFile, int TestCount)
{
    /// <summary>Looks for the four MNIST-format files (raw or .gz) and reads the image counts from their headers.</summary>
    public static DataFolder Inspect(string dataDir)
    {
        if (!Directory.Exists(dataDir))
            return Failed($"folder {dataDir} does not exist; it must hold {string.Join(", ", IdxFile.RequiredFiles)} (raw or .gz)");
        var missing = IdxFile.RequiredFiles.Where(name => IdxFile.Locate(dataDir, name) is null).ToList();
        if (missing.Count > 0)
            return Failed($"folder {dataDir} lacks {string.Join(", ", missing)} (raw or .gz)");
        var train = IdxFile.Locate(dataDir, IdxFile.RequiredFiles[0])!;
        var test = IdxFile.Locate(dataDir, IdxFile.RequiredFiles[2])!;
        try
        {
            // The headers and every label are checked here, so a bad file is refused with the spec, not mid-run.
            var pairProblem = IdxFile.CheckPair(train, IdxFile.Locate(dataDir, IdxFile.RequiredFiles[1])!, 10)
                ?? IdxFile.CheckPair(test, IdxFile.Locate(dataDir, IdxFile.RequiredFiles[3])!, 10);
            if (pairProblem is not null) return Failed($"{dataDir}: {pairProblem}");
            return new(null, Path.GetFileName(train), IdxFile.ReadShape(train)[0], Path.GetFileName(test), IdxFile.ReadShape(test)[0]);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            return Failed($"cannot read the image counts in {dataDir}: {e.Message}");
        }
    }

    private static DataFolder Failed(string problem) => new(problem, "", 0, "", 0);
}
