using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Responsibility;

namespace RiskMonitor.Domain.Tests.Responsibility;

public sealed class RoutingSweepTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    [Fact]
    public void Sweeps_the_alerts_whose_parties_never_heard_of_their_present_severity()
    {
        var old = Now.AddMinutes(-10);
        SweptAlert[] alerts =
        [
            new("never-routed", WarningLevel.Red, AlertState.Open, false, old),
            new("worsened-unheard", WarningLevel.Red, AlertState.Acknowledged, false, old),
            new("told", WarningLevel.Orange, AlertState.Open, false, old),
            new("told-worse", WarningLevel.Yellow, AlertState.Open, false, old), // cleared down from red: nothing new to tell
            new("blue", WarningLevel.Blue, AlertState.Open, false, old),
            new("resolved", WarningLevel.Red, AlertState.Resolved, false, old),
            new("drill", WarningLevel.Red, AlertState.Open, true, old),
            new("in-flight", WarningLevel.Red, AlertState.Open, false, Now.AddSeconds(-5)),
        ];
        var told = new Dictionary<string, WarningLevel>
        {
            ["worsened-unheard"] = WarningLevel.Yellow,
            ["told"] = WarningLevel.Orange,
            ["told-worse"] = WarningLevel.Red,
        };

        Assert.Equal(["never-routed", "worsened-unheard"], RoutingSweep.Unrouted(alerts, told, RoutingWindows.Default, Now, Grace));
    }
}
