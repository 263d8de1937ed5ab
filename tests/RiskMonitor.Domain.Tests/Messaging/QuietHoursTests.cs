using RiskMonitor.Domain.Messaging;

namespace RiskMonitor.Domain.Tests.Messaging;

public sealed class QuietHoursTests
{
    private static readonly TimeSpan Cst = TimeSpan.FromHours(8);

    // 22:00-07:00 China Standard Time is 14:00-23:00 UTC.
    private static readonly QuietHours Night = new(new TimeOnly(22, 0), new TimeOnly(7, 0), Cst);

    [Theory]
    [InlineData("2026-12-06T14:00:00Z", true)] // 22:00 local, the window opens
    [InlineData("2026-12-06T18:30:00Z", true)] // 02:30 local, past midnight
    [InlineData("2026-12-06T22:59:00Z", true)] // 06:59 local
    [InlineData("2026-12-06T23:00:00Z", false)] // 07:00 local, the window has closed
    [InlineData("2026-12-06T05:00:00Z", false)] // 13:00 local
    public void A_window_past_midnight_holds_back_an_orange_notice_only_inside_it(string at, bool silenced)
    {
        Assert.Equal(silenced, Night.Silences(DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture), WarningLevel.Orange));
    }

    [Fact]
    public void Red_goes_through_in_the_middle_of_the_night()
    {
        var twoAm = new DateTimeOffset(2026, 12, 7, 2, 0, 0, Cst);
        Assert.True(Night.Silences(twoAm, WarningLevel.Yellow));
        Assert.False(Night.Silences(twoAm, WarningLevel.Red));
    }

    [Fact]
    public void A_daytime_window_and_an_empty_one()
    {
        var lunch = new QuietHours(new TimeOnly(12, 0), new TimeOnly(13, 0), Cst);
        Assert.True(lunch.Silences(new DateTimeOffset(2026, 12, 7, 12, 30, 0, Cst), WarningLevel.Blue));
        Assert.False(lunch.Silences(new DateTimeOffset(2026, 12, 7, 13, 0, 0, Cst), WarningLevel.Blue));
        var none = new QuietHours(new TimeOnly(9, 0), new TimeOnly(9, 0), Cst);
        Assert.False(none.Silences(new DateTimeOffset(2026, 12, 7, 9, 0, 0, Cst), WarningLevel.Blue));
    }

    [Theory]
    [InlineData("22:00-07:00", true)]
    [InlineData(" 08:30 - 12:00 ", true)]
    [InlineData("22-07", false)]
    [InlineData("25:00-07:00", false)]
    [InlineData("", false)]
    public void Parses_HH_mm_dash_HH_mm_and_says_why_not(string text, bool ok)
    {
        var parsed = QuietHours.TryParse(text, Cst, out var problem);
        Assert.Equal(ok, parsed is not null);
        Assert.Equal(ok, problem is null);
    }
}
