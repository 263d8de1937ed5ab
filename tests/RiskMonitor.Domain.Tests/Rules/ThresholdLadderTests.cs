using RiskMonitor.Domain.Rules;

namespace RiskMonitor.Domain.Tests.Rules;

public sealed class ThresholdLadderTests
{
    [Theory]
    [InlineData(0, WarningLevel.None)]
    [InlineData(4.999, WarningLevel.None)]
    [InlineData(5, WarningLevel.Blue)]
    [InlineData(9.99, WarningLevel.Blue)]
    [InlineData(10, WarningLevel.Yellow)]
    [InlineData(25, WarningLevel.Orange)]
    [InlineData(49.9, WarningLevel.Orange)]
    [InlineData(50, WarningLevel.Red)]
    [InlineData(100, WarningLevel.Red)]
    public void Raw_level_is_the_highest_threshold_met(double value, WarningLevel expected)
    {
        var ladder = TestRules.MethaneLadder();

        Assert.Equal(expected, ladder.RawLevelFor(value));
    }

    [Theory]
    [InlineData(45.0, WarningLevel.Red)] // exactly 90 % of 50: still red
    [InlineData(44.99, WarningLevel.Orange)]
    [InlineData(22.5, WarningLevel.Orange)]
    [InlineData(22.49, WarningLevel.Yellow)]
    [InlineData(9.0, WarningLevel.Yellow)]
    [InlineData(8.99, WarningLevel.Blue)]
    [InlineData(4.5, WarningLevel.Blue)]
    [InlineData(4.49, WarningLevel.None)]
    public void A_confirmed_red_falls_only_past_each_clear_point(double value, WarningLevel expected)
    {
        var ladder = TestRules.MethaneLadder();

        Assert.Equal(expected, ladder.LevelFor(value, WarningLevel.Red));
    }

    [Fact]
    public void Levels_above_the_confirmed_one_need_their_raise_threshold()
    {
        var ladder = TestRules.MethaneLadder();

        Assert.Equal(WarningLevel.Orange, ladder.LevelFor(49, WarningLevel.Yellow));
        Assert.Equal(WarningLevel.Yellow, ladder.LevelFor(9.5, WarningLevel.Yellow));
        Assert.Equal(WarningLevel.Blue, ladder.LevelFor(9.5, WarningLevel.None));
    }

    [Fact]
    public void A_below_ladder_mirrors_the_dead_band()
    {
        var ladder = TestRules.LowPressure().Ladder;

        Assert.Equal(WarningLevel.None, ladder.RawLevelFor(201));
        Assert.Equal(WarningLevel.Yellow, ladder.RawLevelFor(200));
        Assert.Equal(WarningLevel.Red, ladder.RawLevelFor(99));
        Assert.Equal(WarningLevel.Yellow, ladder.LevelFor(209, WarningLevel.Yellow)); // clears above 210
        Assert.Equal(WarningLevel.None, ladder.LevelFor(210.5, WarningLevel.Yellow));
    }

    [Fact]
    public void Thresholds_that_do_not_worsen_are_refused()
    {
        var thresholds = new Dictionary<WarningLevel, double> { [WarningLevel.Yellow] = 10, [WarningLevel.Red] = 5 };

        var error = Assert.Throws<ArgumentException>(() =>
            new ThresholdLadder(ThresholdDirection.Above, thresholds, 0.9, new Dictionary<WarningLevel, TimeSpan>()));

        Assert.Contains("Red", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void A_clear_ratio_outside_zero_to_one_is_refused(double ratio)
    {
        var thresholds = new Dictionary<WarningLevel, double> { [WarningLevel.Red] = 5 };

        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new ThresholdLadder(ThresholdDirection.Above, thresholds, ratio, new Dictionary<WarningLevel, TimeSpan>()));
    }
}
