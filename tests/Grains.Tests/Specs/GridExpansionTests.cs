using Grokking.Grains.Specs;

namespace Grokking.Grains.Tests.Specs;

public sealed class GridExpansionTests
{
    private const string Small = """
        name: small
        task: { kind: modular, operation: "x+y", modulus: 23 }
        model: { kind: mlp, depth: 2, width: 64 }
        grid:
          lr: [1e-3, 3e-3]
          depth: [1, 2, 3]
          seed: [0, 1]
        """;

    [Fact]
    public void Expansion_has_one_run_per_grid_point_indexed_in_order()
    {
        var runs = SpecParser.Parse(Small).Expand();

        Assert.Equal(2 * 3 * 2, runs.Count);
        Assert.Equal(Enumerable.Range(0, 12), runs.Select(r => r.Index));
        Assert.All(runs, r => Assert.Equal("small", r.SweepId));
    }

    [Fact]
    public void Last_axis_varies_fastest()
    {
        var runs = SpecParser.Parse(Small).Expand();

        string Point(int i) => string.Join(" ", runs[i].Parameters.Select(p => $"{p.Key}={p.Value}"));
        Assert.Equal("lr=0.001 depth=1 seed=0", Point(0));
        Assert.Equal("lr=0.001 depth=1 seed=1", Point(1));
        Assert.Equal("lr=0.001 depth=2 seed=0", Point(2));
        Assert.Equal("lr=0.003 depth=1 seed=0", Point(6));
        Assert.Equal("lr=0.003 depth=3 seed=1", Point(11));
    }

    [Fact]
    public void A_grid_point_config_has_its_axis_values_and_the_base_elsewhere()
    {
        var run = SpecParser.Parse(Small).Expand()[7];

        Assert.Equal(3e-3, run.Config.Optimizer.Lr);
        Assert.Equal(1, run.Config.Model.Depth);
        Assert.Equal(1L, run.Config.Seed);
        Assert.Equal(64, run.Config.Model.Width);
        Assert.Equal(23, run.Config.Task.Modulus);
    }

    [Fact]
    public void Every_run_has_its_own_id_of_r_and_sixteen_hex_digits()
    {
        var ids = SpecParser.Parse(Small).Expand().Select(r => r.RunId).ToList();

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^r[0-9a-f]{16}$", id));
    }

    [Fact]
    public void Parsing_the_same_spec_twice_gives_the_same_run_ids()
    {
        var first = SpecParser.Parse(Small).Expand().Select(r => r.RunId);
        var second = SpecParser.Parse(Small).Expand().Select(r => r.RunId);

        Assert.Equal(first, second);
    }

    [Fact]
    public void Changing_a_setting_outside_the_grid_changes_every_run_id()
    {
        var original = SpecParser.Parse(Small).Expand().Select(r => r.RunId).ToHashSet();
        var changed = SpecParser.Parse(Small.Replace("width: 64", "width: 65")).Expand().Select(r => r.RunId);

        Assert.All(changed, id => Assert.DoesNotContain(id, original));
    }

    [Fact]
    public void Run_ids_do_not_depend_on_key_order_or_yaml_style()
    {
        var reordered = SpecParser.Parse("""
            model:
              width: 64
              depth: 2
              kind: mlp
            grid:
              lr: [0.001, 0.003]
              depth: [1, 2, 3]
              seed: [0, 1]
            task: { modulus: 23, operation: x+y, kind: modular }
            name: small
            """);

        Assert.Equal(SpecParser.Parse(Small).Expand().Select(r => r.RunId), reordered.Expand().Select(r => r.RunId));
    }

    [Fact]
    public void Run_ids_do_not_depend_on_the_sweep_name()
    {
        var renamed = SpecParser.Parse(Small.Replace("name: small", "name: other")).Expand();

        Assert.Equal(SpecParser.Parse(Small).Expand().Select(r => r.RunId), renamed.Select(r => r.RunId));
    }
}
