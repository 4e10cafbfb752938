using System.Text.Json;
using System.Text.Json.Serialization;
using Grokking.Training.Config;

namespace Grokking.Grains.Contracts;

/// <summary>
/// How a <see cref="RunConfig"/> crosses the cluster: as JSON (numbers in round-trip form), so src/Training stays free
/// of Orleans attributes. A run grain receives its config this way instead of re-reading the spec.
/// </summary>
[GenerateSerializer]
public struct RunConfigSurrogate
{
    [Id(0)] public string Json;
}

/// <summary>Orleans' converter between <see cref="RunConfig"/> and <see cref="RunConfigSurrogate"/>.</summary>
[RegisterConverter]
public sealed class RunConfigSurrogateConverter : IConverter<RunConfig, RunConfigSurrogate>
{
    private static readonly JsonSerializerOptions Options = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public RunConfig ConvertFromSurrogate(in RunConfigSurrogate surrogate) =>
        JsonSerializer.Deserialize<RunConfig>(surrogate.Json, Options) ?? throw new InvalidOperationException("a run config surrogate held null");

    public RunConfigSurrogate ConvertToSurrogate(in RunConfig value) => new() { Json = JsonSerializer.Serialize(value, Options) };
}
