using RiskMonitor.Domain.Alerts;
using static RiskMonitor.Domain.Tests.TestRules;

namespace RiskMonitor.Domain.Tests.Alerts;

/// <summary>Every step from every state, with the condition live and cleared: what is allowed, and what is refused.</summary>
public sealed class AlertWorkflowTransitionTests
{
    public static TheoryData<string, AlertState, bool, AlertState?> Matrix()
    {
        var data = new TheoryData<string, AlertState, bool, AlertState?>();
        foreach (var active in new[] { true, false })
        {
            foreach (var state in Enum.GetValues<AlertState>())
            {
                data.Add("acknowledge", state, active, state == AlertState.Open ? AlertState.Acknowledged : null);
                data.Add("start", state, active, state is AlertState.Open or AlertState.Acknowledged ? AlertState.InProgress : null);
                data.Add("resolve", state, active, !active && state is AlertState.Open or AlertState.Acknowledged or AlertState.InProgress ? AlertState.Resolved : null);
                data.Add("close", state, active, !active && state == AlertState.Resolved ? AlertState.Closed : null);
                data.Add("assign", state, active, state == AlertState.Closed ? null : state);
                data.Add("comment", state, active, state == AlertState.Closed ? null : state);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public void Each_step_is_allowed_only_from_its_states(string step, AlertState from, bool conditionActive, AlertState? expected)
    {
        var alert = new Alert("a~r~1", "a", "r", WarningLevel.Red, conditionActive ? WarningLevel.Red : WarningLevel.None, from,
            conditionActive, null, null, T0, T0, T0, null, null, "m");
        var now = T0.AddMinutes(1);

        var (outcome, after) = step switch
        {
            "acknowledge" => AlertWorkflow.Acknowledge(alert, now),
            "start" => AlertWorkflow.StartWork(alert, now),
            "resolve" => AlertWorkflow.Resolve(alert, "leak_repaired", now),
            "close" => AlertWorkflow.Close(alert, now),
            "assign" => AlertWorkflow.Assign(alert, "wang.fang", now),
            _ => AlertWorkflow.Comment(alert, now),
        };

        if (expected is null)
        {
            Assert.Equal(WorkflowOutcome.NotAllowed, outcome);
            Assert.Same(alert, after);
        }
        else
        {
            Assert.Equal(WorkflowOutcome.Done, outcome);
            Assert.Equal(expected, after.State);
            Assert.Equal(now, after.UpdatedAt);
        }
    }

    [Fact]
    public void Assigning_names_the_handler_and_resolving_keeps_the_cause()
    {
        var alert = new Alert("a~r~1", "a", "r", WarningLevel.Red, WarningLevel.None, AlertState.InProgress, false, null, null, T0, T0, T0, T0, null, "m");

        var (_, assigned) = AlertWorkflow.Assign(alert, "wang.fang", T0.AddMinutes(1));
        var (_, resolved) = AlertWorkflow.Resolve(assigned, "false_alarm", T0.AddMinutes(2));

        Assert.Equal("wang.fang", resolved.Assignee);
        Assert.Equal("false_alarm", resolved.Cause);
    }
}
