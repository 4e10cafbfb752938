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
            text = ReadBounded(path, full);
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

    /// <summary>Largest spec file read: real specs are a few kilobytes, a 100,000-point grid axis about one megabyte.</summary>
    public const int MaxSpecBytes = 4 << 20;

    /// <summary>The file's text, refusing anything but a regular file of at most <see cref="MaxSpecBytes"/>.</summary>
    private static string ReadBounded(string path, string full)
    {
        if (!File.Exists(full)) throw new FileNotFoundException(full);
        if (Grokking.Training.RegularFile.NotRegular(full) is { } what)
            throw new SpecException(path, "", null, $"is {what}, not a spec file; give a regular YAML file, e.g. examples/quick.yaml");
        using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read);
        var buffer = new byte[MaxSpecBytes + 1];
        int read = 0, n;
        while (read < buffer.Length && (n = stream.Read(buffer, read, buffer.Length - read)) > 0) read += n;
        if (read > MaxSpecBytes)
            throw new SpecException(path, "", null, $"the spec file is larger than {MaxSpecBytes >> 20} MB; a spec is settings and grid axes, a few kilobytes");
        if (Array.IndexOf(buffer, (byte)0, 0, read) >= 0)
            throw new SpecException(path, "", null, "is a binary file (it contains NUL bytes), not a YAML spec");
        int bom = read >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF ? 3 : 0;
        return new System.Text.UTF8Encoding(false).GetString(buffer, bom, read - bom);
    }
}
