namespace Grokking.Bench;

/// <summary>One bare-loop run: setting up data, model and optimizer, then the training steps alone.</summary>
public sealed record BareTiming(TimeSpan Setup, TimeSpan Loop)
{
    public TimeSpan Total => Setup + Loop;
}
