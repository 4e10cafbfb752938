namespace Grokking.Grains.Tests.Metrics;

/// <summary>A fresh output folder under the system temp folder, deleted with its contents on dispose.</summary>
internal sealed class TempOutputFolder : IDisposable
{
    public TempOutputFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "grokking-metrics-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
