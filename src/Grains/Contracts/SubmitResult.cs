namespace Grokking.Grains.Contracts;

/// <summary>The answer to a submit: accepted (new or the same sweep again) or refused with the reason.</summary>
[GenerateSerializer]
public sealed record SubmitResult
{
    [Id(0)] public bool Accepted { get; init; }

    /// <summary>True when this submit created the sweep; false when it already existed with the same spec.</summary>
    [Id(1)] public bool Created { get; init; }

    [Id(2)] public int Runs { get; init; }

    /// <summary>Why the submit was refused (a different spec under an existing name, an invalid spec).</summary>
    [Id(3)] public string? Error { get; init; }
}
