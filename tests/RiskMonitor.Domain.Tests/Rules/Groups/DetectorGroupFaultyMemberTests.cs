using RiskMonitor.Domain.Rules.Groups;
using static RiskMonitor.Domain.Tests.TestRules;

namespace RiskMonitor.Domain.Tests.Rules.Groups;

/// <summary>
/// Three detectors, one failed high (decision 0055): the median of two neighbours is their mean, so without a tie-break
/// the two sound detectors would be "far from their neighbours" too. Only the faulty one may drift.
/// </summary>
public sealed class DetectorGroupFaultyMemberTests
{
    [Theory]
    [InlineData(55)]
    [InlineData(-30)]
    [InlineData(25)]
    public void Of_three_detectors_only_the_one_far_from_the_other_two_drifts(double faulty)
    {
        var group = new DetectorGroup(DetectorGroupTests.Segment(holdSeconds: 60));
        var verdicts = new List<DriftVerdict>();
        for (var s = 0; s <= 300; s += 5)
        {
            foreach (var (id, value) in new[] { ("d1", 1.0 + (s % 10 * 0.05)), ("d2", 1.4), ("d3", faulty) })
            {
                if (group.Apply(id, WarningLevel.None, value, T0.AddSeconds(s))!.Drift is { } verdict)
                {
                    verdicts.Add(verdict);
                }
            }
        }

        var drift = Assert.Single(verdicts);
        Assert.Equal(("d3", true), (drift.MemberId, drift.Drifting));
        Assert.False(group.IsDrifting("d1"));
        Assert.False(group.IsDrifting("d2"));
    }
}
