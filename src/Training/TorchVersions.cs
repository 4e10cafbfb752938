using System.Globalization;
using System.Reflection;
using TorchSharp;

namespace Grokking.Training;

/// <summary>The TorchSharp and libtorch versions of this build, read from assembly metadata without loading libtorch.</summary>
/// <remarks>
/// <c>torch.__version__</c> runs TorchSharp's type initialiser, which loads the native backend: a process that never
/// trains (the client, a sweep grain's bookkeeping) would pay for that, or fail where libtorch is absent. So both come
/// from metadata: TorchSharp's informational version, and the libtorch version it binds (a constant in TorchSharp,
/// which reflection reads without running the initialiser), with the flavour this build restored (TorchFlavour).
/// </remarks>
public static class TorchVersions
{
    /// <summary>The TorchSharp package version, e.g. 0.107.0.</summary>
    public static string TorchSharp { get; } = Describe(typeof(torch).Assembly);

    /// <summary>The libtorch version and flavour, as PyTorch writes them: 2.10.0+cpu, or 2.10.0+cu128 for CUDA 12.8.</summary>
    public static string LibTorch { get; } = LibTorchVersion();

    private static string Describe(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? assembly.GetName().Version?.ToString()
        ?? "unknown";

    private static string LibTorchVersion()
    {
        var version = Constant("libtorchPackageVersion") ?? "unknown";
        // NuGet's form: 2.10.0.0 is package 2.10.0.
        if (Version.TryParse(version, out var parsed) && parsed.Revision == 0)
            version = parsed.ToString(3);
        var flavour = typeof(TorchVersions).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "TorchFlavour")?.Value;
        return flavour switch
        {
            "cuda" => version + "+cu" + (Constant("cudaVersion")?.Replace(".", "", StringComparison.Ordinal) ?? ""),
            { Length: > 0 } => version + "+" + flavour,
            _ => version,
        };
    }

    // A literal field's value is stored in metadata; reading it does not run the type's initialiser.
    private static string? Constant(string name) =>
        typeof(torch).GetField(name, BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public) is { IsLiteral: true } field
            ? Convert.ToString(field.GetRawConstantValue(), CultureInfo.InvariantCulture)
            : null;
}
