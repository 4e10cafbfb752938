using Grokking.Client.Plots;

namespace Grokking.Client.Tests.Plots;

public sealed class GridAxisTests
{
    [Fact]
    public void Log_spaced_values_are_labelled_in_short_scientific_form()
    {
        var lr = new GridAxis("lr", [1e-3, Math.Pow(10, -2.5), 1e-2]);
        Assert.True(lr.IsLogSpaced);
        Assert.Equal("lr (log scale)", lr.Title);
        Assert.Equal(["1e-3", "3.2e-3", "1e-2"], lr.Values.Select(lr.Label));
        // Hand-written log grids step by 3 and 3.3; they are log-spaced too.
        Assert.True(new GridAxis("lr", [1e-3, 3e-3, 1e-2]).IsLogSpaced);
    }

    [Fact]
    public void Evenly_spaced_and_non_positive_values_are_linear_and_read_as_written()
    {
        var decay = new GridAxis("weight_decay", [0.0, 0.5, 1.0]);
        Assert.False(decay.IsLogSpaced);
        Assert.Equal("weight_decay", decay.Title);
        Assert.Equal(["0", "0.5", "1"], decay.Values.Select(decay.Label));
        Assert.False(new GridAxis("depth", [1L, 2L, 3L]).IsLogSpaced);
        Assert.False(new GridAxis("train_fraction", [0.3, 0.5]).IsLogSpaced);
        Assert.Equal(["x+y", "x/y"], new GridAxis("operation", ["x+y", "x/y"]).Values.Select(v => GridValueFormat.Format(v)));
    }
}
