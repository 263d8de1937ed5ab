using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Escalation;
using RiskMonitor.Domain.Hazards;
using RiskMonitor.Domain.Reports;

namespace RiskMonitor.Domain.Tests.Reports;

public sealed class ShiftHandoverTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 8, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public void Lists_open_alerts_worst_first_running_clocks_soonest_first_and_hazards_due_within_a_day()
    {
        HandoverAlert[] alerts =
        [
            new("a-yellow-old", "gp-1", "管段1", WarningLevel.Yellow, AlertState.Open, At.AddHours(-5), At.AddMinutes(30), null),
            new("a-red-ack", "gp-2", "管段2", WarningLevel.Red, AlertState.Acknowledged, At.AddHours(-1), null, "张三"),
            new("a-orange-late", "gp-3", "管段3", WarningLevel.Orange, AlertState.Open, At.AddMinutes(-20), At.AddMinutes(-5), null),
            new("a-closed", "gp-4", "管段4", WarningLevel.Red, AlertState.Closed, At.AddHours(-2), null, null),
        ];
        Hazard[] hazards =
        [
            Hazard("h-overdue", At.AddDays(-1), HazardStatus.Rectifying),
            Hazard("h-tomorrow", At.AddHours(20), HazardStatus.Assigned),
            Hazard("h-next-week", At.AddDays(7), HazardStatus.Assigned),
            Hazard("h-done", At.AddDays(-3), HazardStatus.Verified),
        ];
        var shift = new DutyShift(1, At.AddHours(-24), At, "张值班", null, "李领导", null);

        var handover = ShiftHandover.Compose(At, shift, null, alerts, hazards);

        Assert.Equal(["a-red-ack", "a-orange-late", "a-yellow-old"], handover.OpenAlerts.Select(a => a.AlertId));
        Assert.Equal(["a-orange-late", "a-yellow-old"], handover.RunningClocks.Select(a => a.AlertId)); // overdue one first
        Assert.Equal(["h-overdue", "h-tomorrow"], handover.HazardsDue.Select(h => h.HazardId));
        Assert.Same(shift, handover.Current);
    }

    private static Hazard Hazard(string id, DateTimeOffset deadline, HazardStatus status) => new(
        id, HazardLevel.General, HazardSource.Inspection, status, "阀门井盖破损", null, "grid-1", "gas", null, "城东燃气", null, deadline, null, "巡查员", At.AddDays(-10), At.AddDays(-1));
}
