using RiskMonitor.Ingestion.Parsing;

namespace RiskMonitor.Ingestion.Tests.Parsing;

public sealed class TimestampsTests
{
    [Theory]
    [InlineData(1L)]
    [InlineData(1795521600000L)]
    [InlineData(253_402_300_799_999L)]
    public void Positive_unix_milliseconds_up_to_year_9999_are_accepted(long ms)
    {
        var ok = Timestamps.TryFromUnixMilliseconds(ms, out var timestamp);

        Assert.True(ok);
        Assert.Equal(ms, timestamp.ToUnixTimeMilliseconds());
        Assert.Equal(TimeSpan.Zero, timestamp.Offset);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(long.MinValue)]
    [InlineData(253_402_300_800_000L)]
    [InlineData(long.MaxValue)]
    public void Zero_negative_and_beyond_year_9999_are_refused(long ms)
    {
        Assert.False(Timestamps.TryFromUnixMilliseconds(ms, out _));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(0.5)]
    [InlineData(-0.5)]
    [InlineData(1e300)]
    public void Non_finite_sub_millisecond_and_huge_fractional_values_are_refused(double ms)
    {
        Assert.False(Timestamps.TryFromUnixMilliseconds(ms, out _));
    }

    [Theory]
    [InlineData("2026-11-24T12:00:00Z", true)]
    [InlineData("2026-11-24T12:00:00z", true)]
    [InlineData("2026-11-24t12:00:00Z", true)]
    [InlineData("2026-11-24T12:00:00+08:00", true)]
    [InlineData("2026-11-24T12:00:00-05:00", true)]
    [InlineData("2026-11-24T12:00:00", false)]
    [InlineData("2026-11-24", false)]
    [InlineData("", false)]
    public void An_explicit_offset_is_a_z_or_a_sign_after_the_time_separator(string text, bool expected)
    {
        Assert.Equal(expected, Timestamps.HasExplicitOffset(text.AsSpan()));
        Assert.Equal(expected, Timestamps.HasExplicitOffset(System.Text.Encoding.UTF8.GetBytes(text)));
    }
}
