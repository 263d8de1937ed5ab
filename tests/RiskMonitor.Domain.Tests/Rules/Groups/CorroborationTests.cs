using CsCheck;
using RiskMonitor.Domain.Rules.Groups;

namespace RiskMonitor.Domain.Tests.Rules.Groups;

public sealed class CorroborationTests
{
    private static readonly CorroborationDefinition TwoOfThree = new("ch4_lel.high", 2, WarningLevel.Orange);

    [Theory]
    [InlineData(new[] { WarningLevel.Red, WarningLevel.None, WarningLevel.None }, 2, WarningLevel.None)]
    [InlineData(new[] { WarningLevel.Red, WarningLevel.Yellow, WarningLevel.None }, 2, WarningLevel.Yellow)]
    [InlineData(new[] { WarningLevel.Red, WarningLevel.Red, WarningLevel.None }, 2, WarningLevel.Red)]
    [InlineData(new[] { WarningLevel.Red, WarningLevel.Red, WarningLevel.Orange }, 3, WarningLevel.Orange)]
    [InlineData(new[] { WarningLevel.Blue, WarningLevel.Red, WarningLevel.Orange }, 2, WarningLevel.Orange)]
    public void The_agreed_level_is_the_highest_that_k_detectors_reach(WarningLevel[] levels, int k, WarningLevel agreed) =>
        Assert.Equal(agreed, Corroboration.AgreedLevel(levels, k));

    [Fact]
    public void One_detector_at_red_alone_is_held_at_the_alone_level_and_a_second_lifts_it()
    {
        Assert.Equal(WarningLevel.Orange, Corroboration.Ceiling([WarningLevel.Red, WarningLevel.None, WarningLevel.None], TwoOfThree));
        Assert.Equal(WarningLevel.Red, Corroboration.Ceiling([WarningLevel.Red, WarningLevel.None, WarningLevel.Red], TwoOfThree));
    }

    private static readonly Gen<WarningLevel[]> Levels = Gen.Enum<WarningLevel>().Array[2, 12];

    [Fact]
    public void The_agreed_level_matches_a_brute_force_count_for_any_levels_and_k()
    {
        Gen.Select(Levels, Gen.Int[1, 12]).Sample((levels, k) =>
        {
            var brute = Enum.GetValues<WarningLevel>().Where(l => l > WarningLevel.None && levels.Count(x => x >= l) >= k).DefaultIfEmpty(WarningLevel.None).Max();
            Assert.Equal(brute, Corroboration.AgreedLevel(levels, k));
        });
    }

    [Fact]
    public void Fewer_than_k_detectors_never_make_red_and_order_does_not_matter()
    {
        Gen.Select(Levels, Gen.Int[2, 12], Gen.Enum<WarningLevel>()).Sample((levels, k, alone) =>
        {
            var definition = new CorroborationDefinition("r", k, alone == WarningLevel.Red ? WarningLevel.Orange : alone);
            var ceiling = Corroboration.Ceiling(levels, definition);
            if (levels.Count(l => l == WarningLevel.Red) < k)
            {
                Assert.NotEqual(WarningLevel.Red, ceiling);
            }

            Assert.True(ceiling >= definition.AloneLevel);
            Assert.Equal(ceiling, Corroboration.Ceiling([.. levels.Reverse()], definition));
        });
    }

    [Fact]
    public void A_detector_rising_never_lowers_the_ceiling()
    {
        Gen.Select(Levels, Gen.Int[2, 12], Gen.Int[0, 11]).Sample((levels, k, which) =>
        {
            var i = which % levels.Length;
            var before = Corroboration.Ceiling(levels, TwoOfThree with { K = k });
            var raised = (WarningLevel[])levels.Clone();
            raised[i] = WarningLevel.Red;
            Assert.True(Corroboration.Ceiling(raised, TwoOfThree with { K = k }) >= before);
        });
    }
}
