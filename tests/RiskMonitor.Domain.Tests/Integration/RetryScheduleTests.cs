using RiskMonitor.Domain.Integration;

namespace RiskMonitor.Domain.Tests.Integration;

public sealed class RetryScheduleTests
{
    private static readonly RetrySchedule Schedule = new(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));

    [Fact]
    public void Delays_double_per_attempt_between_half_and_all_of_the_step()
    {
        Assert.Equal(TimeSpan.FromSeconds(0.5), Schedule.Delay(1, 0));
        Assert.Equal(TimeSpan.FromSeconds(1), Schedule.Delay(1, 1));
        Assert.Equal(TimeSpan.FromSeconds(2), Schedule.Delay(3, 0));
        Assert.Equal(TimeSpan.FromSeconds(4), Schedule.Delay(3, 1));
        Assert.Equal(TimeSpan.FromSeconds(3), Schedule.Delay(3, 0.5));
    }

    [Fact]
    public void Delays_stop_growing_at_the_maximum_even_after_many_attempts()
    {
        Assert.Equal(TimeSpan.FromMinutes(5), Schedule.Delay(20, 1));
        Assert.Equal(TimeSpan.FromMinutes(2.5), Schedule.Delay(10_000, 0));
        Assert.Equal(TimeSpan.FromMinutes(5), Schedule.Delay(int.MaxValue, 1));
    }

    [Fact]
    public void A_jitter_outside_0_to_1_or_attempt_0_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Schedule.Delay(0, 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Schedule.Delay(1, 1.5));
    }
}
