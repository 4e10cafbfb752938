using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Grokking.Grains.Contracts;
using Grokking.Grains.Specs;

namespace Grokking.Grains.Engine;

/// <summary>Parses each submitted spec once per process and keeps its expanded grid, so a run finds its config by index.</summary>
public sealed class SweepSpecCache
{
    private readonly ConcurrentDictionary<string, Lazy<(SweepSpec Spec, IReadOnlyList<RunSpec> Runs)>> _entries = new();

    public (SweepSpec Spec, IReadOnlyList<RunSpec> Runs) Get(string specText, string sourceName, string baseDirectory)
    {
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{baseDirectory}\n{specText}")));
        return _entries.GetOrAdd(key, _ => new Lazy<(SweepSpec, IReadOnlyList<RunSpec>)>(() =>
        {
            var spec = SpecParser.Parse(specText, sourceName, baseDirectory);
            return (spec, spec.Expand());
        })).Value;
    }

    /// <summary>The grid point an assignment names, checked against its run id.</summary>
    public RunSpec Resolve(RunAssignment assignment)
    {
        var (_, runs) = Get(assignment.SpecText, assignment.SourceName, assignment.BaseDirectory);
        if (assignment.Index < 0 || assignment.Index >= runs.Count || runs[assignment.Index].RunId != assignment.RunId)
            throw new InvalidOperationException(
                $"Run {assignment.RunId} is not grid point {assignment.Index} of sweep {assignment.SweepId} on this silo: the spec differs.");
        return runs[assignment.Index];
    }
}
