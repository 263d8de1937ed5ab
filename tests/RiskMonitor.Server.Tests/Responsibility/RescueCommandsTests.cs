using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Contracts.Responsibility;
using RiskMonitor.Domain.Responsibility;
using RiskMonitor.Server.Responsibility;
using RiskMonitor.Server.Tests.Fakes;
using RiskMonitor.Storage.Responsibility;

namespace RiskMonitor.Server.Tests.Responsibility;

/// <summary>
/// The rescue acts (<c>/api/rescues/{id}/arrival|release</c>) and a unit's acts on its own page
/// (<c>/api/unit/alerts/{id}/acknowledge|arrival|release</c>) in process, on the in-memory responsibility store and a fake
/// of the case grain: who the grain is told acts, for which organisation, and how each outcome reads.
/// </summary>
public sealed class RescueCommandsTests
{
    private const string AlertId = "el-1~entrapment~1";

    private readonly InMemoryResponsibilityStore _store = new();
    private readonly FakeGrains _grains = new();
    private readonly RescueCommands _commands;

    public RescueCommandsTests() => _commands = new RescueCommands(_store, _grains);

    [Fact]
    public async Task The_command_centre_records_an_act_in_its_own_name_for_no_organisation()
    {
        var result = await _commands.ActAsync(AlertId, PartyAct.Arrive, User("duty.officer"));

        Assert.IsType<NoContent>(result.Result);
        Assert.Equal([(AlertId, PartyAct.Arrive, (string?)null, "duty.officer")], _grains.PartyActs);
    }

    [Fact]
    public async Task A_unit_acts_for_the_organisation_that_names_its_account()
    {
        var ct = TestContext.Current.CancellationToken;
        await SaveOrganisationAsync("org-lift", "lift.engineer", ct);

        var result = await _commands.UnitActAsync(AlertId, PartyAct.Release, User("lift.engineer"), ct);

        Assert.IsType<NoContent>(result.Result);
        Assert.Equal([(AlertId, PartyAct.Release, (string?)"org-lift", "lift.engineer")], _grains.PartyActs);
    }

    [Fact]
    public async Task An_account_no_organisation_names_is_refused_before_the_case_is_asked()
    {
        var ct = TestContext.Current.CancellationToken;
        await SaveOrganisationAsync("org-lift", "lift.engineer", ct);

        var result = await _commands.UnitActAsync(AlertId, PartyAct.Acknowledge, User("stranger"), ct);

        var problem = Assert.IsType<ProblemHttpResult>(result.Result);
        Assert.Equal((404, "No organisation"), (problem.StatusCode, problem.ProblemDetails.Title));
        Assert.Contains("'stranger'", problem.ProblemDetails.Detail, StringComparison.Ordinal);
        Assert.Empty(_grains.Calls);
    }

    [Theory]
    [InlineData(PartyActOutcome.UnknownCase, 404, "Not routed to you")]
    [InlineData(PartyActOutcome.NotAParty, 404, "Not routed to you")] // another unit's alert reads exactly like an unknown one
    [InlineData(PartyActOutcome.NotARescue, 409, "Not a rescue")]
    [InlineData(PartyActOutcome.AlreadyDone, 409, "Already recorded")]
    public async Task Each_refusal_of_the_case_has_its_status_and_title(PartyActOutcome outcome, int status, string title)
    {
        var ct = TestContext.Current.CancellationToken;
        await SaveOrganisationAsync("org-lift", "lift.engineer", ct);
        _grains.PartyAnswer = outcome;

        var byCentre = await _commands.ActAsync(AlertId, PartyAct.Arrive, User("duty.officer"));
        var byUnit = await _commands.UnitActAsync(AlertId, PartyAct.Arrive, User("lift.engineer"), ct);

        foreach (var result in new[] { byCentre, byUnit })
        {
            var problem = Assert.IsType<ProblemHttpResult>(result.Result);
            Assert.Equal((status, title), (problem.StatusCode, problem.ProblemDetails.Title));
            Assert.Contains(AlertId, problem.ProblemDetails.Detail, StringComparison.Ordinal);
        }
    }

    private async Task SaveOrganisationAsync(string id, string account, CancellationToken ct)
    {
        var organisation = new Organisation(id, "电梯维保公司", OrganisationKind.MaintenanceUnit, "special_equipment", null,
            [new Person("Zhao Lei", "engineer", "13900000000", null, account)], 0, false);
        await _store.SaveOrganisationAsync(organisation, null, "admin", InMemoryPorts.T0, ct);
    }

    private static ClaimsPrincipal User(string name) => new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], "test"));
}
