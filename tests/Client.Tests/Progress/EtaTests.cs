using Grokking.Client.Views;

namespace Grokking.Client.Tests.Progress;

public sealed class EtaTests
{
    [Fact]
    public void A_view_attached_to_a_half_done_sweep_extrapolates_from_the_steps_it_saw_trained()
    {
        // Half done when the view started; 10% more in 10 s: 40% left takes 40 s (not 10 s x 0.4 / 0.6).
        var remaining = SweepProgressView.Remaining(stepsDone: 600, stepsTotal: 1000, stepsAtStart: 500, TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.FromSeconds(40), remaining);
    }

    [Theory]
    [InlineData(500, 1000, 500, 10)]   // nothing trained since the view started
    [InlineData(1000, 1000, 500, 10)]  // finished
    [InlineData(505, 1000, 500, 10)]   // under 1% of the sweep seen
    [InlineData(600, 1000, 500, 1)]    // too early to tell
    public void No_estimate_without_a_measured_rate(long done, long total, long atStart, double seconds) =>
        Assert.Null(SweepProgressView.Remaining(done, total, atStart, TimeSpan.FromSeconds(seconds)));
}
