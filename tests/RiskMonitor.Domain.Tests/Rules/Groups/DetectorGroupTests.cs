using CsCheck;
using RiskMonitor.Domain.Rules.Groups;
using static RiskMonitor.Domain.Tests.TestRules;

namespace RiskMonitor.Domain.Tests.Rules.Groups;

public sealed class DetectorGroupTests
{
    /// <summary>Three methane detectors on one segment: 2 of 3 for red, 10 % LEL from the neighbours for 10 min is drift.</summary>
    internal static DetectorGroupDefinition Segment(double holdSeconds = 600) => new(
        "seg-1", "ch4_lel", ["d1", "d2", "d3"],
        new CorroborationDefinition("ch4_lel.high", 2, WarningLevel.Orange),
        new NeighbourDriftDefinition(10, TimeSpan.FromSeconds(holdSeconds), WarningLevel.Blue, 2, TimeSpan.FromSeconds(120)));

    [Fact]
    public void The_group_tells_every_member_once_all_have_reported_and_again_whenever_the_ceiling_moves()
    {
        var group = new DetectorGroup(Segment());

        var first = group.Apply("d1", WarningLevel.Red, 60, T0)!;
        Assert.Equal(WarningLevel.Orange, first.Ceiling);
        Assert.Empty(first.TellCeiling); // d1 is at its alone level already

        Assert.Empty(group.Apply("d2", WarningLevel.None, 1, T0)!.TellCeiling);
        var second = group.Apply("d3", WarningLevel.Red, 58, T0.AddSeconds(1))!;
        Assert.Equal(WarningLevel.Red, second.Ceiling);
        Assert.Equal(2, second.Agreeing);
        Assert.Equal(["d1", "d2", "d3"], second.TellCeiling);

        Assert.Empty(group.Apply("d3", WarningLevel.Red, 59, T0.AddSeconds(6))!.TellCeiling);

        var falls = group.Apply("d3", WarningLevel.None, 1, T0.AddSeconds(11))!;
        Assert.Equal(WarningLevel.Orange, falls.Ceiling);
        Assert.Equal(["d1", "d2", "d3"], falls.TellCeiling);
    }

    [Fact]
    public void A_new_activation_lifts_at_once_but_lowers_nobody_before_it_has_heard_from_all_or_settled()
    {
        // After a restart d1 and d2 are red together; d1 reports first.
        var group = new DetectorGroup(Segment());

        Assert.Empty(group.Apply("d1", WarningLevel.Red, 60, T0)!.TellCeiling); // alone so far: not lowered
        var lifted = group.Apply("d2", WarningLevel.Red, 61, T0.AddSeconds(1))!;
        Assert.Equal(["d1", "d2"], lifted.TellCeiling);
        Assert.Equal(WarningLevel.Red, lifted.Ceiling);
        var dropped = group.Apply("d2", WarningLevel.None, 1, T0.AddSeconds(5))!;
        Assert.Empty(dropped.TellCeiling); // d3 not heard yet, and not two minutes on

        // Settled by time (d3 is silent): everyone who reported hears where the group stands.
        var settled = group.Apply("d1", WarningLevel.Red, 60, T0 + DetectorGroup.Settle)!;
        Assert.Equal(WarningLevel.Orange, settled.Ceiling);
        Assert.Equal(["d1", "d2"], settled.TellCeiling);
    }

    [Fact]
    public void A_member_reporting_into_a_group_that_already_agrees_on_more_is_told_at_once()
    {
        var group = new DetectorGroup(Segment());
        group.Apply("d1", WarningLevel.Red, 60, T0);
        group.Apply("d2", WarningLevel.Red, 60, T0);

        var late = group.Apply("d3", WarningLevel.None, 1, T0.AddSeconds(1))!;

        Assert.Contains("d3", late.TellCeiling);
        Assert.Equal(WarningLevel.Red, late.Ceiling);
    }

    [Fact]
    public void A_report_of_an_asset_outside_the_group_changes_nothing() =>
        Assert.Null(new DetectorGroup(Segment()).Apply("d9", WarningLevel.Red, 60, T0));

    [Fact]
    public void A_detector_reading_high_of_its_neighbours_for_the_hold_time_drifts_and_is_sound_once_back()
    {
        var group = new DetectorGroup(Segment(holdSeconds: 600));
        DriftVerdict? verdict = null;
        for (var s = 0; s <= 900; s += 5)
        {
            group.Apply("d2", WarningLevel.None, 1.0, T0.AddSeconds(s));
            group.Apply("d3", WarningLevel.None, 2.0, T0.AddSeconds(s));
            var offset = s < 60 ? 0 : 15; // from one minute on, d1 reads 15 % LEL above its neighbours
            verdict = group.Apply("d1", WarningLevel.None, 1.5 + offset, T0.AddSeconds(s))!.Drift ?? verdict;
            if (s < 660)
            {
                Assert.Null(verdict);
            }
        }

        Assert.NotNull(verdict);
        Assert.True(verdict.Drifting);
        Assert.Equal("d1", verdict.MemberId);
        Assert.Equal(T0.AddSeconds(660), verdict.At); // 60 s + 600 s hold
        Assert.Equal(1.5, verdict.NeighbourMedian);
        Assert.Equal(15, verdict.Deviation, 6);

        Assert.Null(group.Apply("d1", WarningLevel.None, 9, T0.AddSeconds(905))!.Drift); // inside the dead-band (5 to 10)
        var back = group.Apply("d1", WarningLevel.None, 2, T0.AddSeconds(910))!.Drift;
        Assert.NotNull(back);
        Assert.False(back.Drifting);
        Assert.False(group.IsDrifting("d1"));
    }

    [Fact]
    public void Without_enough_fresh_neighbours_nobody_is_judged()
    {
        var group = new DetectorGroup(Segment(holdSeconds: 0));
        group.Apply("d2", WarningLevel.None, 1, T0);
        group.Apply("d3", WarningLevel.None, 1, T0.AddSeconds(-600)); // silent for ten minutes: not fresh
        Assert.Null(group.Apply("d1", WarningLevel.None, 80, T0.AddSeconds(1))!.Drift);

        group.Apply("d3", WarningLevel.None, 1, T0.AddSeconds(2));
        Assert.True(group.Apply("d1", WarningLevel.None, 80, T0.AddSeconds(3))!.Drift!.Drifting);
    }

    [Fact]
    public void Detectors_that_stay_within_the_delta_of_one_another_never_drift()
    {
        // Any common level and trend, any noise, as long as no two detectors differ by more than the delta (10).
        Gen.Select(Gen.Double[0, 100], Gen.Double[-0.5, 0.5], Gen.Double[0, 4.99].Array[3 * 200]).Sample((level, slope, noise) =>
        {
            var group = new DetectorGroup(Segment(holdSeconds: 0));
            for (var i = 0; i < 200; i++)
            {
                for (var m = 0; m < 3; m++)
                {
                    var update = group.Apply($"d{m + 1}", WarningLevel.None, level + (slope * i) + noise[(3 * i) + m], T0.AddSeconds(5 * i));
                    Assert.Null(update!.Drift);
                }
            }
        });
    }

    [Fact]
    public void A_detector_offset_beyond_the_delta_drifts_whatever_the_common_signal()
    {
        Gen.Select(Gen.Double[0, 100], Gen.Double[10.5, 50], Gen.Bool).Sample((level, offset, low) =>
        {
            var group = new DetectorGroup(Segment(holdSeconds: 60));
            var drifting = false;
            for (var i = 0; i <= 13; i++)
            {
                group.Apply("d2", WarningLevel.None, level, T0.AddSeconds(5 * i));
                group.Apply("d3", WarningLevel.None, level + 0.5, T0.AddSeconds(5 * i));
                drifting |= group.Apply("d1", WarningLevel.None, level + (low ? -offset : offset), T0.AddSeconds(5 * i))!.Drift?.Drifting ?? false;
            }

            Assert.True(drifting);
        });
    }
}
