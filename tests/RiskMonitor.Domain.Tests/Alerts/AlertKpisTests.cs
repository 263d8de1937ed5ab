using RiskMonitor.Domain.Alerts;
using static RiskMonitor.Domain.Tests.TestRules;

namespace RiskMonitor.Domain.Tests.Alerts;

public sealed class AlertKpisTests
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    // T0 is 2026-11-24 12:00 UTC = 20:00 in Beijing. The period: 24 and 25 November, Beijing time.
    private static readonly DateTimeOffset From = new(2026, 11, 24, 0, 0, 0, Beijing);
    private static readonly DateTimeOffset To = From.AddDays(2);

    private static AlertFacts Facts(string id, WarningLevel severity, double raisedHours, double? ackMinutes = null, double? closeMinutes = null,
        string? cause = null, int escalations = 0)
    {
        var raised = T0.AddHours(raisedHours);
        return new AlertFacts(id, severity, raised, ackMinutes is { } a ? raised.AddMinutes(a) : null,
            closeMinutes is { } c ? raised.AddMinutes(c) : null, cause, escalations);
    }

    private static readonly AlertFacts[] Known =
    [
        Facts("a1", WarningLevel.Red, 0, ackMinutes: 2, closeMinutes: 60, cause: "leak_repaired", escalations: 0),
        Facts("a2", WarningLevel.Red, 1, ackMinutes: 8, closeMinutes: 30, cause: "false_alarm", escalations: 1),
        Facts("a3", WarningLevel.Orange, 3, ackMinutes: 4, closeMinutes: 120, cause: "FALSE_ALARM"),    // 23:00 Beijing, still the 24th
        Facts("a4", WarningLevel.Yellow, 5, ackMinutes: 30, escalations: 0),                             // 01:00 on the 25th
        Facts("a5", WarningLevel.Blue, 6),                                                               // never acknowledged
        Facts("a6", WarningLevel.Red, 7, escalations: 3),
        Facts("early", WarningLevel.Red, -21, ackMinutes: 1, closeMinutes: 5, escalations: 9),           // 23:00 on the 23rd: outside
    ];

    [Fact]
    public void Counts_per_local_day_by_severity_cover_every_day_of_the_period()
    {
        var report = AlertKpis.Compute(Known, From, To, Beijing);

        Assert.Equal(6, report.AlertsRaised);
        Assert.Equal([new DateOnly(2026, 11, 24), new DateOnly(2026, 11, 25)], report.PerDay.Select(d => d.Day));
        Assert.Equal((3, 2, 1, 0, 0), (report.PerDay[0].Total, report.PerDay[0].BySeverity[WarningLevel.Red], report.PerDay[0].BySeverity[WarningLevel.Orange],
            report.PerDay[0].BySeverity[WarningLevel.Yellow], report.PerDay[0].BySeverity[WarningLevel.Blue]));
        Assert.Equal((3, 1, 1, 1), (report.PerDay[1].Total, report.PerDay[1].BySeverity[WarningLevel.Red], report.PerDay[1].BySeverity[WarningLevel.Yellow],
            report.PerDay[1].BySeverity[WarningLevel.Blue]));
        Assert.DoesNotContain(WarningLevel.None, report.PerDay[0].BySeverity.Keys);
    }

    [Fact]
    public void The_false_alarm_share_is_of_the_closed_alerts()
    {
        var report = AlertKpis.Compute(Known, From, To, Beijing);

        Assert.Equal((3, 2), (report.Closed, report.ClosedAsFalseAlarm));
        Assert.Equal(2.0 / 3, report.FalseAlarmShare!.Value, 9);
    }

    [Fact]
    public void Median_and_p90_of_time_to_acknowledge_and_to_close_interpolate_between_ranks()
    {
        var report = AlertKpis.Compute(Known, From, To, Beijing);

        // Acknowledged after 2, 4, 8 and 30 minutes: median (4+8)/2 = 6; p90 at rank 2.7 = 8 + 0.7 * 22 = 23.4 minutes.
        Assert.Equal(new DurationStats(4, TimeSpan.FromMinutes(6), TimeSpan.FromMinutes(23.4)), report.TimeToAcknowledge);
        // Closed after 30, 60 and 120 minutes: median 60; p90 at rank 1.8 = 60 + 0.8 * 60 = 108 minutes.
        Assert.Equal(new DurationStats(3, TimeSpan.FromMinutes(60), TimeSpan.FromMinutes(108)), report.TimeToClose);
    }

    [Fact]
    public void Escalations_are_the_steps_fired_for_the_alerts_of_the_period()
    {
        var report = AlertKpis.Compute(Known, From, To, Beijing);

        Assert.Equal((4, 2), (report.EscalationsFired, report.AlertsEscalated));
    }

    [Fact]
    public void An_empty_period_has_zero_counts_and_no_shares_or_durations()
    {
        var report = AlertKpis.Compute([], From, From.AddDays(1), Beijing);

        Assert.Equal(0, report.AlertsRaised);
        Assert.Null(report.FalseAlarmShare);
        Assert.Equal(new DurationStats(0, null, null), report.TimeToAcknowledge);
        Assert.Equal(0, Assert.Single(report.PerDay).Total);
    }
}
