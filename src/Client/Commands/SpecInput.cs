using Grokking.Grains.Contracts;
using Grokking.Grains.Specs;

namespace Grokking.Client.Commands;

/// <summary>Reads and validates a spec file on the client, so bad input is refused before anything is contacted or written.</summary>
public static class SpecInput
{
    /// <summary>The parsed spec and its submission, or null after printing the error.</summary>
    public static (SweepSpec Spec, SweepSubmission Submission)? Read(string path)
    {
        try
        {
            var spec = SpecParser.ParseFile(path);
            var full = Path.GetFullPath(path);
            return (spec, new SweepSubmission
            {
                SpecText = File.ReadAllText(full), SourceName = Path.GetFileName(full), BaseDirectory = Path.GetDirectoryName(full)!,
            });
        }
        catch (SpecException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return null;
        }
    }
}
