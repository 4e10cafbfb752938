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
    public void Liu_toy_example_spans_the_authors_decoder_lr_axis_and_contains_their_paper_scale_grid()
    {
        var sweep = SpecParser.ParseFile(Path.Combine(ExamplesFolder(), "liu-toy-phase-diagram.yaml"));
        Assert.Equal(16 * 11, sweep.Size);
        var runs = sweep.Expand();
        Assert.Equal(1e-5, runs[0].Config.Optimizer.Lr, 12);
        // Every point of the paper-scale notebook's 10^linspace(-4, -2, 11) is on the grid.
        var lrs = runs.Select(r => r.Config.Optimizer.Lr).Distinct().ToList();
        foreach (var exponent in Enumerable.Range(0, 11).Select(i => -4 + 0.2 * i))
            Assert.Contains(lrs, lr => Math.Abs(Math.Log10(lr) - exponent) < 1e-9);
        Assert.Equal(1e-2, runs[^1].Config.Optimizer.Lr, 12);
        Assert.Equal(10.0, runs[^1].Config.Optimizer.WeightDecay);
        Assert.Equal(1e-3, runs[^1].Config.Optimizer.EmbeddingLr);
        Assert.Equal(0.0, runs[^1].Config.Optimizer.EmbeddingWeightDecay);
        // The paper's code regresses onto random 30-d targets with torch's default AdamW betas.
        Assert.Equal(("mse", 30), (runs[0].Config.Task.Loss, runs[0].Config.Task.TargetDim));
        Assert.Equal(0.999, runs[0].Config.Optimizer.Beta2);
        Assert.Equal(45, (int)Math.Round(55 * runs[0].Config.Task.TrainFraction));
    }

    [Fact]
    public void Seed_examples_use_the_authors_models()
    {
        var nanda = SpecParser.ParseFile(Path.Combine(ExamplesFolder(), "nanda-fraction-sweep.yaml")).Expand()[0].Config;
        Assert.Equal(("nanda", "none", "nanda", "float64"), (nanda.Model.Preset, nanda.Model.Norm, nanda.Model.Init, nanda.Training.LossPrecision));
        Assert.Equal("nanda", nanda.Task.Layout);
        var power = SpecParser.ParseFile(Path.Combine(ExamplesFolder(), "power-division.yaml")).Expand()[0].Config;
        Assert.Equal(("power", "post", "sinusoidal", false), (power.Model.Preset, power.Model.Norm, power.Model.Position, power.Model.AttentionBias));
        Assert.Equal(("power", -1), (power.Task.Layout, power.Training.BatchSize));
        foreach (var file in new[] { "omnigrok-mnist.yaml", "deep-grokking.yaml" })
            Assert.Equal(0.999, SpecParser.ParseFile(Path.Combine(ExamplesFolder(), file)).Expand()[0].Config.Optimizer.Beta2);
    }

    private static string ExamplesFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Grokking.sln"))) return Path.Combine(dir.FullName, "examples");
        throw new InvalidOperationException("Grokking.sln not found");
    }
}
