using Grokking.Grains.Contracts;
using Grokking.Grains.Specs;

namespace Grokking.Client.Commands;

/// <summary>Reads and validates a spec file on the client, so bad input is refused before anything is contacted or written.</summary>
public static class SpecInput
{
    /// <summary>The parsed spec and its submission, or null after printing the error.</summary>
    public static (SweepSpec Spec, SweepSubmission Submission)? Read(string path, SpecLimits? limits = null)
    {
        if (Parse(path, limits) is not { } spec) return null;
        var full = Path.GetFullPath(path);
        return (spec, new SweepSubmission
        {
            SpecText = spec.SourceText, SourceName = Path.GetFileName(full), BaseDirectory = Path.GetDirectoryName(full)!,
        });
    }

    /// <summary>The parsed spec, or null after printing the one error.</summary>
    public static SweepSpec? Parse(string path, SpecLimits? limits = null)
    {
        // The parser would report a folder as a file it may not read; say what it is instead.
        if (Directory.Exists(path))
        {
            Console.Error.WriteLine($"error: {path}: is a folder; give a spec file (YAML), e.g. examples/quick.yaml.");
            return null;
        }
        try
        {
            return SpecParser.ParseFile(path, limits);
        }
        catch (SpecException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return null;
        }
    }
}
