using Grokking.Grains.Contracts;
using Grokking.Grains.Search;
using Grokking.Grains.Specs;

namespace Grokking.Grains.Tests.Search;

/// <summary>
/// The boundary search against a known boundary: noop runs with <c>noop_boundary: c</c> memorise exactly when
/// lr * (1 + weight_decay) &lt; c, so the true label of every lattice point is known without training.
/// </summary>
public sealed class BoundarySearchTests
{
    private const double Boundary = 0.05;

    internal static string Spec(int levels = 3, int buffer = 1, string extraGrid = "", string budget = "", string label = "") => $$"""
        name: refine-test
        task: { kind: noop, noop_boundary: {{Boundary}} }
        training: { steps: 20, eval_every: 1, checkpoint_every: 10, phase_gap: 2 }
        grid:
          lr: { log_range: [1e-3, 1], points: 4 }
          weight_decay: { range: [0, 3], points: 4 }{{extraGrid}}
        search: { strategy: refine, levels: {{levels}}, buffer: {{buffer}}{{label}} }
        {{budget}}
        """;

    /// <summary>The phase a noop run with this config ends in.</summary>
    internal static string TruePhase(RunSpec run) =>
        run.Config.Optimizer.Lr * (1 + run.Config.Optimizer.WeightDecay) < Boundary ? "memorization" : "grokking";

    /// <summary>Runs the search to completion, finishing every run with <paramref name="phase"/> as soon as it is proposed.</summary>
    internal static (List<RunSpec> Runs, SearchStep Last, int Rounds) Simulate(ISearchStrategy search, Func<RunSpec, string> phase)
    {
        var runs = search.Initial().ToList();
        var records = new Dictionary<string, RunRecord>();
        void Finish(RunSpec r) => records[r.RunId] = new RunRecord
        {
            RunId = r.RunId, Index = r.Index, Status = RunStatus.Done, Outcome = new RunOutcomeSummary { Phase = phase(r) },
        };
        runs.ForEach(Finish);
        int rounds = 0;
        while (true)
        {
            var step = search.Next(runs, r => records[r.RunId]);
            if (step.Added.Count == 0) return (runs, step, rounds);
            rounds++;
            Assert.Equal(Enumerable.Range(runs.Count, step.Added.Count), step.Added.Select(r => r.Index));
            runs.AddRange(step.Added);
            foreach (var r in step.Added) Finish(r);
        }
    }

    [Fact]
    public void Refinement_finds_the_known_boundary_to_the_finest_cell_with_a_fraction_of_the_lattice()
    {
        var spec = SpecParser.Parse(Spec(levels: 3));
        var (runs, last, rounds) = Simulate(SearchStrategies.Create(spec), TruePhase);

        Assert.True(last.Complete, last.Progress);
        Assert.Equal(3, rounds);
        Assert.Equal(runs.Count, runs.Select(r => r.RunId).Distinct().Count());

        // Every finest cell (side 1 of the 25 x 25 lattice) that the true boundary crosses has all four corners run.
        var lr = spec.Axes[0].Range!;
        var wd = spec.Axes[1].Range!;
        var have = runs.Select(r => r.Place!.Key[..r.Place.Key.IndexOf('/')]).ToHashSet();
        int crossing = 0;
        for (int i = 0; i < 24; i++)
            for (int j = 0; j < 24; j++)
            {
                var corners = new[] { (i, j), (i + 1, j), (i, j + 1), (i + 1, j + 1) };
                var labels = corners.Select(c => lr.At(c.Item1, 24) * (1 + wd.At(c.Item2, 24)) < Boundary).Distinct().Count();
                if (labels < 2) continue;
                crossing++;
                foreach (var (a, b) in corners) Assert.Contains($"{a:D7},{b:D7}", have);
            }
        Assert.True(crossing >= 20, $"the boundary crosses only {crossing} finest cells; the test boundary is too short to mean anything");
        Assert.True(runs.Count < 625 / 2, $"{runs.Count} runs of the 625-point lattice");
    }

    [Fact]
    public void The_same_outcomes_propose_the_same_runs_and_a_key_restores_its_run()
    {
        var spec = SpecParser.Parse(Spec());
        var first = Simulate(SearchStrategies.Create(spec), TruePhase).Runs;
        var second = Simulate(SearchStrategies.Create(SpecParser.Parse(Spec())), TruePhase).Runs;
        Assert.Equal(first.Select(r => r.RunId), second.Select(r => r.RunId));

        var restorer = SearchStrategies.Create(spec);
        foreach (var run in first)
        {
            var restored = restorer.Restore(run.Place!.Key, run.Index);
            Assert.Equal(run.RunId, restored.RunId);
            Assert.Equal(run.Place.Level, restored.Place!.Level);
            Assert.Equal(run.Parameters, restored.Parameters);
        }
    }

    [Fact]
    public void The_coarse_level_is_the_grid_itself_with_the_same_run_ids()
    {
        var refine = SpecParser.Parse(Spec());
        var grid = SpecParser.Parse(Spec().Replace("search: { strategy: refine, levels: 3, buffer: 1 }", ""));
        Assert.Equal(grid.Expand().Select(r => r.RunId).Order(), SearchStrategies.Create(refine).Initial().Select(r => r.RunId).Order());
        Assert.All(SearchStrategies.Create(refine).Initial(), r => Assert.Equal(0, r.Place!.Level));
    }

    [Fact]
    public void Cells_tile_the_axes_on_their_own_scale()
    {
        var spec = SpecParser.Parse(Spec(levels: 1));
        var runs = SearchStrategies.Create(spec).Initial();
        var corner = runs.Single(r => r.Place!.Key == "0000000,0000000/0");
        var lrCell = corner.Place!.Cells[0];
        Assert.Equal("lr", lrCell.Axis);
        Assert.Equal(1e-3, lrCell.Lo);
        // Half a coarse cell on a log axis is the geometric midpoint of 1e-3 and 1e-2.
        Assert.Equal(Math.Sqrt(1e-3 * 1e-2), lrCell.Hi, 12);
        var wdCell = corner.Place.Cells[1];
        Assert.Equal((0.0, 0.5), (wdCell.Lo, wdCell.Hi));
    }

    [Fact]
    public void Seeds_that_disagree_at_one_point_mark_its_cells()
    {
        var spec = SpecParser.Parse(Spec(levels: 1, buffer: 0, extraGrid: "\n  seed: [1, 2]"));
        var search = SearchStrategies.Create(spec);
        Assert.Equal(32, search.Initial().Count);
        // Everything agrees except seed 2 at the corner lr=1, wd=3.
        var (runs, last, _) = Simulate(search, r => r.Config.Seed == 2 && r.Place!.Key.StartsWith("0000006,0000006/") ? "memorization" : "grokking");
        Assert.True(last.Complete);
        // Only the one cell with that corner is halved: 5 new points, each with both seeds.
        Assert.Equal(32 + 5 * 2, runs.Count);
        Assert.All(runs.Skip(32), r => Assert.Equal(1, r.Place!.Level));
    }

    [Fact]
    public void A_run_budget_is_never_exceeded_and_the_search_says_it_is_spent()
    {
        var spec = SpecParser.Parse(Spec(levels: 3, budget: "budget: { runs: 40 }"));
        var (runs, last, _) = Simulate(SearchStrategies.Create(spec), TruePhase);
        Assert.True(runs.Count <= 40, $"{runs.Count} runs");
        Assert.True(runs.Count > 16);
        Assert.True(last.Complete);
        Assert.Contains("budget spent", last.Progress);
    }

    [Fact]
    public void A_search_waits_for_every_run_of_a_level_and_says_how_far_it_is()
    {
        var spec = SpecParser.Parse(Spec(levels: 2, budget: "budget: { runs: 100 }"));
        var search = SearchStrategies.Create(spec);
        var runs = search.Initial();
        var records = runs.ToDictionary(r => r.RunId, r => new RunRecord
        {
            RunId = r.RunId, Status = RunStatus.Done, Outcome = new RunOutcomeSummary { Phase = TruePhase(r) },
        });
        records[runs[5].RunId] = new RunRecord { RunId = runs[5].RunId, Status = RunStatus.Running };
        var waiting = search.Next(runs, r => records[r.RunId]);
        Assert.Empty(waiting.Added);
        Assert.False(waiting.Complete);
        Assert.Equal("refining: level 0 of 2, 16 runs so far, budget 100", waiting.Progress);
    }

    [Fact]
    public void Failed_runs_have_no_label_and_mark_nothing()
    {
        var spec = SpecParser.Parse(Spec(levels: 2));
        var search = SearchStrategies.Create(spec);
        var runs = search.Initial();
        // The corner lr=1e-3, wd=0 fails; every other run agrees.
        var step = search.Next(runs, r => r.Index == 0
            ? new RunRecord { RunId = r.RunId, Status = RunStatus.Failed }
            : new RunRecord { RunId = r.RunId, Status = RunStatus.Done, Outcome = new RunOutcomeSummary { Phase = "grokking" } });
        Assert.Empty(step.Added);
        Assert.True(step.Complete);
    }

    [Theory]
    [InlineData("search: { strategy: refine }\n", "lr: [1e-3, 1e-2]", "strategy 'refine' halves the grid axes written as { range: [a, b], points: n } or { log_range: [a, b], points: n } of a number setting (lr, weight_decay, train_fraction, ...); this grid has none (lr 2 x depth 4)")]
    [InlineData("search: { strategy: refine, levels: 10 }\n", "", "levels: 10 makes a lattice of")]
    [InlineData("search: { strategy: refine, label: colour }\n", "", "unknown label column 'colour'; accepted: phase,")]
    [InlineData("search: { strategy: refine, label: phase, above: 0.5 }\n", "", "'phase' is categorical; 'above' applies to a numeric column")]
    [InlineData("search: { strategy: refine, label: final_val_acc }\n", "", "'final_val_acc' is numeric; give 'above: x'")]
    [InlineData("search: { strategy: refine }\nbudget: { runs: 10 }\n", "", "budget.runs 10 is smaller than the 16 runs of the grid")]
    [InlineData("search: { strategy: grid, levels: 2 }\n", "", "search.levels: applies to strategy 'refine', not 'grid'")]
    [InlineData("search: { strategy: bisect }\n", "", "unknown search strategy 'bisect'; accepted: 'grid', 'refine'")]
    [InlineData("search: { strategy: refine, buffer: 9 }\n", "", "search.buffer")]
    public void Bad_search_sections_name_what_is_wrong_and_what_is_accepted(string search, string lrAxis, string expected)
    {
        var lr = lrAxis.Length > 0 ? lrAxis : "lr: { log_range: [1e-3, 1], points: 4 }";
        var wd = lrAxis.Length > 0 ? "depth: { range: [1, 4], points: 4 }" : "weight_decay: { range: [0, 3], points: 4 }";
        var yaml = $$"""
            name: bad-search
            task: { kind: noop }
            grid:
              {{lr}}
              {{wd}}
            {{search}}
            """;
        var error = Assert.Throws<SpecException>(() => SpecParser.Parse(yaml));
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_numeric_label_splits_at_its_level()
    {
        var spec = SpecParser.Parse(Spec(levels: 1, label: ", label: final_val_acc, above: 0.5"));
        var search = SearchStrategies.Create(spec);
        var runs = search.Initial();
        var step = search.Next(runs, r => new RunRecord
        {
            RunId = r.RunId, Status = RunStatus.Done,
            Outcome = new RunOutcomeSummary { Phase = "grokking", FinalValAcc = r.Config.Optimizer.Lr > 0.05 ? 1.0 : 0.2 },
        });
        Assert.NotEmpty(step.Added);
    }
}
