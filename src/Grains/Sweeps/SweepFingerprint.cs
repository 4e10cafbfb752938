using System.Security.Cryptography;
using System.Text;
using Grokking.Grains.Specs;

namespace Grokking.Grains.Sweeps;

/// <summary>
/// Whether a submitted spec is the sweep that already exists under its name: a resubmission of the same spec joins it,
/// another spec under the same name is refused.
/// </summary>
public static class SweepFingerprint
{
    // What makes a sweep the same sweep: where it runs, its failure limit, how it searches, its budget and the runs it
    // starts from (later runs follow from these and the results).
    public static string Of(SweepSpec spec, IReadOnlyList<RunSpec> initial)
    {
        var text = new StringBuilder().Append(spec.Accelerator).Append('\n').Append(spec.MaxFailures).Append('\n');
        if (spec.Search.Strategy != "grid") text.Append(spec.Search.Describe()).Append('\n');
        if (spec.Budget != SweepBudget.None) text.Append(spec.Budget.Describe()).Append('\n');
        foreach (var run in initial) text.Append(run.RunId).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
