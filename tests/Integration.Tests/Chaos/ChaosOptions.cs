namespace Grokking.Integration.Tests.Chaos;

/// <summary>How hard the chaos scenario shakes the cluster. <see cref="Short"/> runs in the default test run;
/// <see cref="Full"/> is the on-demand version (<c>scripts/chaos.sh</c>).</summary>
public sealed record ChaosOptions
{
    public int Silos { get; init; } = 3;
    public int SlotsPerSilo { get; init; } = 2;
    public int Seeds { get; init; } = 6;          // the grid is seeds x 2 weight decays x 2 learning rates
    public long Steps { get; init; } = 3000;
    public long CheckpointEvery { get; init; } = 100;
    public TimeSpan MinKillInterval { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan MaxKillInterval { get; init; } = TimeSpan.FromSeconds(20);
    public TimeSpan RedisDowntime { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Kills that happen however fast the sweep goes: the k-th is forced once k/(MinKills+1) of the runs are done.</summary>
    public int MinKills { get; init; } = 2;
    public int ReferenceSample { get; init; } = 2;
    public TimeSpan Deadline { get; init; } = TimeSpan.FromMinutes(8);
    public int Seed { get; init; } = Environment.TickCount;

    public int Runs => Seeds * 4;

    public static ChaosOptions Short => new();

    /// <summary>The scenario at length: 48 runs, a kill every 20-40 s.</summary>
    public static ChaosOptions Full => new()
    {
        Seeds = 12, Steps = 8000, MinKillInterval = TimeSpan.FromSeconds(20), MaxKillInterval = TimeSpan.FromSeconds(40),
        RedisDowntime = TimeSpan.FromSeconds(10), MinKills = 3, ReferenceSample = 4, Deadline = TimeSpan.FromMinutes(60),
    };

    /// <summary>GROKKING_CHAOS=full picks <see cref="Full"/>; GROKKING_CHAOS_SEED fixes the kill schedule.</summary>
    public static ChaosOptions FromEnvironment()
    {
        var options = Environment.GetEnvironmentVariable("GROKKING_CHAOS") switch
        {
            null or "" or "short" => Short,
            "full" => Full,
            var other => throw new ArgumentException($"GROKKING_CHAOS='{other}'; accepted: short (default) or full"),
        };
        var seed = Environment.GetEnvironmentVariable("GROKKING_CHAOS_SEED");
        return string.IsNullOrEmpty(seed) ? options : options with { Seed = int.Parse(seed, System.Globalization.CultureInfo.InvariantCulture) };
    }
}
