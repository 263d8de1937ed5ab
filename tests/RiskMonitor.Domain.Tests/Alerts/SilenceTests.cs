using RiskMonitor.Domain.Alerts;
using static RiskMonitor.Domain.Tests.TestRules;

namespace RiskMonitor.Domain.Tests.Alerts;

public sealed class SilenceTests
{
    private static readonly SilenceSubject Pipe = new("gp-1", "gas_pipeline", ["g-1", "c-1", "s-1", "d-west", "city"]);

    private static Silence New(SilenceScope scope, string target, double startMinutes = 0, double endMinutes = 60) =>
        new("s-" + target, scope, target, T0.AddMinutes(startMinutes), T0.AddMinutes(endMinutes), "王工", "valve replacement", T0);

    [Theory]
    [InlineData(SilenceScope.Asset, "gp-1", true)]
    [InlineData(SilenceScope.Asset, "gp-2", false)]
    [InlineData(SilenceScope.Kind, "gas_pipeline", true)]
    [InlineData(SilenceScope.Kind, "elevator", false)]
    [InlineData(SilenceScope.Region, "g-1", true)]
    [InlineData(SilenceScope.Region, "d-west", true)]
    [InlineData(SilenceScope.Region, "d-east", false)]
    [InlineData(SilenceScope.Region, "GP-1", false)]
    public void A_silence_covers_its_asset_its_kind_or_its_region_with_the_regions_below(SilenceScope scope, string target, bool covers) =>
        Assert.Equal(covers, New(scope, target).Covers(Pipe, T0.AddMinutes(1)));

    [Fact]
    public void A_silence_covers_from_its_start_until_just_before_its_end()
    {
        var silence = New(SilenceScope.Asset, "gp-1", 10, 20);

        Assert.False(silence.Covers(Pipe, T0.AddMinutes(9)));
        Assert.True(silence.Covers(Pipe, T0.AddMinutes(10)));
        Assert.True(silence.Covers(Pipe, T0.AddMinutes(19.9)));
        Assert.False(silence.Covers(Pipe, T0.AddMinutes(20)));
    }

    [Fact]
    public void Expiring_a_silence_early_ends_its_cover_then()
    {
        var silence = New(SilenceScope.Asset, "gp-1") with { ExpiredAt = T0.AddMinutes(5), ExpiredBy = "李主任" };

        Assert.True(silence.Covers(Pipe, T0.AddMinutes(4)));
        Assert.False(silence.Covers(Pipe, T0.AddMinutes(5)));
        Assert.Equal(T0.AddMinutes(5), silence.EffectiveEnd);
        Assert.False(silence.Pending(T0.AddMinutes(5)));
    }

    [Fact]
    public void Of_several_covering_silences_the_one_that_ends_last_is_named()
    {
        Silence[] silences = [New(SilenceScope.Asset, "gp-1", 0, 30), New(SilenceScope.Region, "d-west", 0, 90), New(SilenceScope.Kind, "elevator", 0, 120)];

        Assert.Equal("s-d-west", Silence.Covering(silences, Pipe, T0.AddMinutes(1))?.SilenceId);
        Assert.Null(Silence.Covering(silences, Pipe, T0.AddMinutes(100)));
    }

    [Fact]
    public void A_new_silence_needs_a_target_an_author_a_reason_and_a_future_end_within_a_week()
    {
        Assert.Empty(Silence.Validate(SilenceScope.Asset, "gp-1", T0, T0.AddHours(2), "王工", "valve replacement", T0));
        Assert.Equal(
            ["author", "endsAt", "reason", "target"],
            Silence.Validate(SilenceScope.Asset, " ", T0, T0, null, "", T0).Keys.Order(StringComparer.Ordinal));
        Assert.Contains("endsAt", Silence.Validate(SilenceScope.Kind, "elevator", T0.AddHours(-3), T0.AddHours(-1), "王工", "x", T0).Keys);
        Assert.Contains("endsAt", Silence.Validate(SilenceScope.Kind, "elevator", T0, T0.AddDays(8), "王工", "x", T0).Keys);
    }
}
