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
    public void Liu_toy_examples_are_the_authors_grids()
    {
        // toy/produce_figure_data.py (Figure 5(b)): 10^linspace(-5, -2, 10) x weight decay 0..10, 1e4 steps.
        var figure = SpecParser.ParseFile(Path.Combine(ExamplesFolder(), "liu-toy-phase-diagram.yaml")).Expand();
        Assert.Equal(10 * 11, figure.Count);
        Assert.Equal(1e-5, figure[0].Config.Optimizer.Lr, 12);
        Assert.Equal(10_000, figure[0].Config.Training.Steps);
        Assert.Equal(Math.Pow(10, -5 + 3.0 / 9), figure[11].Config.Optimizer.Lr, 12);
        // phase_diagram_plot/simple_phase_diagram.ipynb: 10^linspace(-4, -2, 11) x 0..10, budget 1e5.
        var sweep = SpecParser.ParseFile(Path.Combine(ExamplesFolder(), "liu-toy-phase-diagram-1e5.yaml"));
        Assert.Equal(121, sweep.Size);
        var runs = sweep.Expand();
        Assert.Equal(1e-4, runs[0].Config.Optimizer.Lr, 12);
        Assert.Equal(100_000, runs[0].Config.Training.Steps);
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
