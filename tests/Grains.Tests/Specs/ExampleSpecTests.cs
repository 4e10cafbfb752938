using Grokking.Grains.Specs;

namespace Grokking.Grains.Tests.Specs;

public sealed class ExampleSpecTests
{
    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(ExamplesFolder(), "*.yaml").Order()) data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_example_spec_parses_and_expands(string file)
    {
        var sweep = SpecParser.ParseFile(Path.Combine(ExamplesFolder(), file));
        Assert.Equal(Path.GetFileNameWithoutExtension(file), sweep.Name);
        Assert.Equal(sweep.Size, sweep.Expand().Select(r => r.RunId).Distinct().Count());
    }

    [Fact]
    public void Liu_toy_example_is_the_11_by_11_grid_of_the_paper()
    {
        var sweep = SpecParser.ParseFile(Path.Combine(ExamplesFolder(), "liu-toy-phase-diagram.yaml"));
        Assert.Equal(121, sweep.Size);
        var runs = sweep.Expand();
        Assert.Equal(1e-4, runs[0].Config.Optimizer.Lr, 12);
        Assert.Equal(1e-2, runs[^1].Config.Optimizer.Lr, 12);
        Assert.Equal(10.0, runs[^1].Config.Optimizer.WeightDecay);
        Assert.Equal(1e-3, runs[^1].Config.Optimizer.EmbeddingLr);
        Assert.Equal(0.0, runs[^1].Config.Optimizer.EmbeddingWeightDecay);
        // The paper's code regresses onto random 30-d targets with torch's default AdamW betas.
        Assert.Equal(("mse", 30), (runs[0].Config.Task.Loss, runs[0].Config.Task.TargetDim));
        Assert.Equal(0.999, runs[0].Config.Optimizer.Beta2);
        Assert.Equal(45, (int)Math.Round(55 * runs[0].Config.Task.TrainFraction));
    }

    private static string ExamplesFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Grokking.sln"))) return Path.Combine(dir.FullName, "examples");
        throw new InvalidOperationException("Grokking.sln not found");
    }
}
