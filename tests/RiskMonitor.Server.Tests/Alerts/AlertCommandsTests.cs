using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Server.Alerts;
using RiskMonitor.Server.Tests.Fakes;

namespace RiskMonitor.Server.Tests.Alerts;

/// <summary>
/// The alert steps (<c>POST /api/alerts/{id}/assign|comment|acknowledge|start|resolve|close</c>) in process, on a fake of
/// the grains: each refusal before the grain is asked, what the grain is handed, and how each of its answers reads.
/// </summary>
public sealed class AlertCommandsTests
{
    private const string AlertId = "gp-1~ch4_lel.high~3";

    private readonly FakeGrains _grains = new();
    private readonly AlertCommands _commands;

    public AlertCommandsTests() => _commands = new AlertCommands(_grains);

    /// <summary>Each refused step by a name for the test's title, with the field it gets wrong (the request type is internal).</summary>
    private static readonly Dictionary<string, (AlertActionKind Kind, AlertActionRequest Request, string Field)> Refused = new(StringComparer.Ordinal)
    {
        ["no actor"] = (AlertActionKind.Acknowledge, new AlertActionRequest(null, null), "Actor"),
        ["blank actor"] = (AlertActionKind.Acknowledge, new AlertActionRequest("  ", null), "Actor"),
        ["actor too long"] = (AlertActionKind.Acknowledge, new AlertActionRequest(new string('a', 101), null), "Actor"),
        ["resolve without note"] = (AlertActionKind.Resolve, new AlertActionRequest("li.wei", null), "Note"),
        ["close with blank note"] = (AlertActionKind.Close, new AlertActionRequest("li.wei", " "), "Note"),
        ["comment with empty note"] = (AlertActionKind.Comment, new AlertActionRequest("li.wei", ""), "Note"),
        ["note too long"] = (AlertActionKind.StartWork, new AlertActionRequest("li.wei", new string('n', 4001)), "Note"),
        ["assign to nobody"] = (AlertActionKind.Assign, new AlertActionRequest("li.wei", null), "Assignee"),
        ["assignee too long"] = (AlertActionKind.Assign, new AlertActionRequest("li.wei", null, new string('p', 101)), "Assignee"),
        ["cause too long"] = (AlertActionKind.Resolve, new AlertActionRequest("li.wei", "leak repaired", Cause: new string('c', 101)), "Cause"),
    };

    public static TheoryData<string> Refusals => [.. Refused.Keys];

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_step_without_who_or_why_is_refused_before_the_grain_is_asked(string refusal)
    {
        var (kind, request, field) = Refused[refusal];

        var result = await _commands.ActAsync(AlertId, kind, request);

        var problem = Assert.IsType<ValidationProblem>(result.Result);
        Assert.Equal([field], problem.ProblemDetails.Errors.Keys);
        Assert.Empty(_grains.Calls);
    }

    [Fact]
    public async Task Every_missing_field_is_named_at_once()
    {
        var result = await _commands.ActAsync(AlertId, AlertActionKind.Assign, new AlertActionRequest(null, null));

        Assert.Equal(["Actor", "Assignee"], Assert.IsType<ValidationProblem>(result.Result).ProblemDetails.Errors.Keys.Order());
    }

    [Fact]
    public async Task An_id_naming_no_asset_is_not_found_without_asking_a_grain()
    {
        var result = await _commands.ActAsync("not-an-alert-id", AlertActionKind.Acknowledge, new AlertActionRequest("li.wei", null));

        Assert.Equal(404, Assert.IsType<ProblemHttpResult>(result.Result).StatusCode);
        Assert.Empty(_grains.Calls);
    }

    [Fact]
    public async Task A_step_goes_to_the_grain_of_the_alerts_asset_with_the_assignee_and_cause_trimmed_and_a_blank_cause_dropped()
    {
        var done = InMemoryPorts.Alert(AlertId, "gp-1", "r-east", WarningLevel.Red, AlertState.Resolved, active: false);
        _grains.AlertAnswer = _ => new AlertActionResult(AlertActionStatus.Done, done);

        var assigned = await _commands.ActAsync(AlertId, AlertActionKind.Assign, new AlertActionRequest("li.wei", null, " wang.fang "));
        var resolved = await _commands.ActAsync(AlertId, AlertActionKind.Resolve, new AlertActionRequest("li.wei", "valve closed", Cause: " leak_repaired "));
        var commented = await _commands.ActAsync(AlertId, AlertActionKind.Comment, new AlertActionRequest("li.wei", "on site", Cause: "  "));

        Assert.Equal(done, Assert.IsType<Ok<AlertView>>(assigned.Result).Value);
        Assert.IsType<Ok<AlertView>>(resolved.Result);
        Assert.IsType<Ok<AlertView>>(commented.Result);
        Assert.Equal(
        [
            ("gp-1", new AlertAction(AlertId, AlertActionKind.Assign, "li.wei", null) { Assignee = "wang.fang" }),
            ("gp-1", new AlertAction(AlertId, AlertActionKind.Resolve, "li.wei", "valve closed") { Cause = "leak_repaired" }),
            ("gp-1", new AlertAction(AlertId, AlertActionKind.Comment, "li.wei", "on site")),
        ], _grains.AlertSteps);
    }

    [Fact]
    public async Task The_grains_refusals_read_as_not_found_and_conflict_naming_the_state()
    {
        var closed = InMemoryPorts.Alert(AlertId, "gp-1", "r-east", WarningLevel.Red, AlertState.Closed, active: false);
        _grains.AlertAnswer = a => a.Kind == AlertActionKind.Acknowledge
            ? new AlertActionResult(AlertActionStatus.UnknownAlert, null)
            : new AlertActionResult(AlertActionStatus.NotAllowed, closed);

        var unknown = await _commands.ActAsync(AlertId, AlertActionKind.Acknowledge, new AlertActionRequest("li.wei", null));
        var refused = await _commands.ActAsync(AlertId, AlertActionKind.StartWork, new AlertActionRequest("li.wei", null));

        var notFound = Assert.IsType<ProblemHttpResult>(unknown.Result);
        Assert.Equal((404, $"No open alert '{AlertId}'."), (notFound.StatusCode, notFound.ProblemDetails.Detail));
        var conflict = Assert.IsType<ProblemHttpResult>(refused.Result);
        Assert.Equal(409, conflict.StatusCode);
        Assert.StartsWith($"Cannot StartWork alert '{AlertId}' in state Closed (condition active: False).", conflict.ProblemDetails.Detail, StringComparison.Ordinal);
    }
}
