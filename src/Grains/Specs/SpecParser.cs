namespace Grokking.Grains.Specs;

/// <summary>Reads a sweep spec (YAML), validates every field and every grid point, and returns it; writes nothing.</summary>
public static class SpecParser
{
    /// <summary>Parses spec text; relative data_dir paths resolve against the current directory.</summary>
    /// <exception cref="SpecException">The spec is not valid; the exception names the field and line.</exception>
    public static SweepSpec Parse(string yamlText, string sourceName = "spec.yaml", SpecLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(yamlText);
        return new SpecReader(sourceName, Directory.GetCurrentDirectory(), limits ?? new SpecLimits()).Read(yamlText);
    }

    /// <summary>Parses spec text whose relative data_dir paths resolve against <paramref name="baseDirectory"/>
    /// (how a silo re-reads a spec the client read from a file).</summary>
    public static SweepSpec Parse(string yamlText, string sourceName, string baseDirectory, SpecLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(yamlText);
        return new SpecReader(sourceName, baseDirectory, limits ?? new SpecLimits()).Read(yamlText);
    }

    /// <summary>Parses a spec file; relative data_dir paths resolve against the file's folder.</summary>
    /// <exception cref="SpecException">The file is missing or the spec is not valid.</exception>
    public static SweepSpec ParseFile(string path, SpecLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = Path.GetFullPath(path);
        string text;
        try
        {
            text = File.ReadAllText(full);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SpecException(path, "", null, $"spec file not found: {full}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SpecException(path, "", null, $"cannot read the spec file {full}: {e.Message}");
        }
        return new SpecReader(path, Path.GetDirectoryName(full)!, limits ?? new SpecLimits()).Read(text);
    }
}
