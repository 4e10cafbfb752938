namespace Grokking.Client.Plots;

/// <summary>What a line-plot point shows for its run.</summary>
public enum LinePointKind
{
    /// <summary>The run's number, drawn on the line.</summary>
    Value,

    /// <summary>A step column the run finished without reaching (NULL in a done run): a hollow marker in the "never" row.</summary>
    Never,

    /// <summary>A step column the run never reached because its loss became NaN or infinite: a cross in the "never" row.</summary>
    Diverged,

    /// <summary>Nothing known (a failed or cancelled run, or a NULL outcome that is not a step): a gap in the line.</summary>
    Missing,
}
