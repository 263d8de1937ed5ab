using RiskMonitor.Domain.Alerts;
using static RiskMonitor.Domain.Tests.TestRules;

namespace RiskMonitor.Domain.Tests.Alerts;

public sealed class AlertWorkflowTests
{
    private static Alert NewAlert(bool active = true, AlertState state = AlertState.Open) => new(
        "gp-1~ch4_lel.high~1", "gp-1", "ch4_lel.high", WarningLevel.Red, active ? WarningLevel.Red : WarningLevel.None,
        state, active, "ch4_lel", 55, T0, T0, T0, null, null, "test");

    [Fact]
    public void The_happy_path_runs_open_to_closed()
    {
        var alert = NewAlert();

        (_, alert) = AlertWorkflow.Acknowledge(alert, T0.AddMinutes(1));
        (_, alert) = AlertWorkflow.StartWork(alert, T0.AddMinutes(2));
        alert = alert with { ConditionActive = false, Level = WarningLevel.None };
        (_, alert) = AlertWorkflow.Resolve(alert, T0.AddMinutes(3));
        var (outcome, closed) = AlertWorkflow.Close(alert, T0.AddMinutes(4));

        Assert.Equal(WorkflowOutcome.Done, outcome);
        Assert.Equal(AlertState.Closed, closed.State);
        Assert.Equal(T0.AddMinutes(4), closed.UpdatedAt);
    }

    [Fact]
    public void Nothing_is_resolved_while_the_condition_is_still_active()
    {
        var (outcome, alert) = AlertWorkflow.Resolve(NewAlert(active: true), T0);

        Assert.Equal(WorkflowOutcome.NotAllowed, outcome);
        Assert.Equal(AlertState.Open, alert.State);
    }

    [Theory]
    [InlineData(AlertState.Open)]
    [InlineData(AlertState.Acknowledged)]
    [InlineData(AlertState.InProgress)]
    public void Only_a_resolved_alert_can_be_closed(AlertState state)
    {
        var (outcome, _) = AlertWorkflow.Close(NewAlert(active: false, state), T0);

        Assert.Equal(WorkflowOutcome.NotAllowed, outcome);
    }

    [Fact]
    public void An_alert_is_acknowledged_once()
    {
        var (_, acknowledged) = AlertWorkflow.Acknowledge(NewAlert(), T0);

        var (again, _) = AlertWorkflow.Acknowledge(acknowledged, T0.AddSeconds(1));

        Assert.Equal(WorkflowOutcome.NotAllowed, again);
    }
}
