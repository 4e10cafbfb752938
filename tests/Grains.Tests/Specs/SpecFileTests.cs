using Grokking.Grains.Specs;

namespace Grokking.Grains.Tests.Specs;

public sealed class SpecFileTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("grokking-spec-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Relative_data_dir_resolves_against_the_spec_file_folder()
    {
        var path = Path.Combine(folder, "spec.yaml");
        File.WriteAllText(path, "name: relative\ntask: { data_dir: data/fashion }\n");

        var spec = SpecParser.ParseFile(path);

        Assert.Equal(Path.Combine(folder, "data", "fashion"), spec.Base.Task.DataDir);
    }

    [Fact]
    public void Errors_from_a_file_name_the_file()
    {
        var path = Path.Combine(folder, "broken.yaml");
        File.WriteAllText(path, "name: broken\nmodel: { width: 0 }\n");

        var error = Assert.Throws<SpecException>(() => SpecParser.ParseFile(path));

        Assert.StartsWith($"{path}:2: model.width: must be at least 1", error.Message);
    }
}
