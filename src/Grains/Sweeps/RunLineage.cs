using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Grokking.Grains.Engine;
using Grokking.Grains.Specs;
using Grokking.Training;

namespace Grokking.Grains.Sweeps;

/// <summary>What produced a sweep's runs: the build, the torch stack, the device and the exact spec. Written on each row of runs.parquet.</summary>
/// <param name="ToolVersion">This build's informational version; it ends in +&lt;git commit&gt; when the build could read one.</param>
/// <param name="TorchSharpVersion">The TorchSharp package version.</param>
/// <param name="LibTorchVersion">The libtorch version TorchSharp binds, with its flavour: 2.10.0+cpu or 2.10.0+cu128.</param>
/// <param name="Device">cpu or cuda: where the sweep's runs train (see <see cref="Of"/>).</param>
/// <param name="SpecSha256">SHA-256 (lowercase hex) of the spec text's UTF-8 bytes, as submitted.</param>
public sealed record RunLineage(string ToolVersion, string TorchSharpVersion, string LibTorchVersion, string Device, string SpecSha256)
{
    private static readonly string BuildVersion =
        typeof(RunLineage).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>The lineage of <paramref name="sweep"/>'s runs, submitted as <paramref name="specText"/>, as seen from a silo with <paramref name="engine"/>'s options.</summary>
    /// <remarks>
    /// Runs are placed only on silos of the sweep's accelerator, so a sweep that names cpu or gpu gives the device; for
    /// "any", the device of this silo (its engine options) stands for all. Versions are this build's, read from assembly
    /// metadata only, so this never loads libtorch.
    /// </remarks>
    public static RunLineage Of(EngineOptions engine, SweepSpec sweep, string specText)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(sweep);
        ArgumentNullException.ThrowIfNull(specText);
        var accelerator = sweep.Accelerator is "cpu" or "gpu" ? sweep.Accelerator : engine.Accelerator;
        return new RunLineage(
            BuildVersion,
            TorchVersions.TorchSharp,
            TorchVersions.LibTorch,
            accelerator == "gpu" ? "cuda" : accelerator,
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(specText))));
    }
}
