using Grokking.Training.Tasks;

namespace Grokking.Grains.Specs;

/// <summary>What an image task's data folder holds: the image counts and identity of its IDX files, or why it cannot be used.</summary>
/// <param name="Identity">The files' <see cref="ImageDataIdentity"/>, which the run id hashes in place of the folder's path.</param>
internal sealed record DataFolder(string? Problem, string TrainFile, int TrainCount, string TestFile, int TestCount, string Identity)
{
    /// <summary>What a data folder must hold, for the problems that name the folder.</summary>
    public static string Accepted => $"it must hold {string.Join(", ", IdxFile.RequiredFiles)} (raw or .gz)";

    /// <summary>Looks for the four MNIST-format files (raw or .gz), reads the image counts from their headers and hashes them.</summary>
    public static DataFolder Inspect(string dataDir)
    {
        if (!Directory.Exists(dataDir))
            return Failed($"folder {dataDir} does not exist; {Accepted}");
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
            // Hashed here too, once per process (cached), so the run ids computed after validation only look it up.
            var identity = ImageDataIdentity.Of(dataDir);
            return new(null, Path.GetFileName(train), IdxFile.ReadShape(train)[0], Path.GetFileName(test), IdxFile.ReadShape(test)[0], identity);
        }
        catch (Exception e) when (IsUnreadable(e))
        {
            return Failed($"cannot read the IDX files in {dataDir}: {e.Message}; {Accepted}, as readable regular files");
        }
    }

    /// <summary>The exceptions that say a data folder's files cannot be read or are not IDX files.</summary>
    public static bool IsUnreadable(Exception e) =>
        e is IOException or InvalidDataException or UnauthorizedAccessException or IndexOutOfRangeException;

    private static DataFolder Failed(string problem) => new(problem, "", 0, "", 0, "");
}
