using System.Security.Claims;
using Microsoft.Extensions.Time.Testing;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Responsibility;
using RiskMonitor.Server.Responsibility;
using RiskMonitor.Server.Tests.Fakes;
using RiskMonitor.Storage.Alerts;
using RiskMonitor.Storage.Responsibility;

namespace RiskMonitor.Server.Tests.Responsibility;

/// <summary>A unit page's alert list in process: its organisation's alerts of the last 7 days, its own duties, its own rescue.</summary>
public sealed class UnitQueriesTests
{
    private readonly FakeTimeProvider _time = new(InMemoryPorts.T0.AddDays(8));
    private readonly InMemoryResponsibilityStore _store = new();
    private readonly InMemoryPartyCaseStore _cases = new();
    private readonly InMemoryAlertStore _alerts = new();
    private readonly UnitQueries _queries;

    public UnitQueriesTests() => _queries = new UnitQueries(_store, _cases, _alerts, _time);

    [Fact]
    public async Task A_unit_sees_its_recent_alerts_with_its_own_duties_and_rescue_and_an_account_no_organisation_names_sees_none()
    {
        var ct = TestContext.Current.CancellationToken;
        await _store.SeedAsync(
            [Organisation("mu-a", OrganisationKind.MaintenanceUnit, "mu-a.duty"), Organisation("ou-1", OrganisationKind.OwnerUnit, "ou-1.duty")], [], InMemoryPorts.T0, ct);
        var now = _time.GetUtcNow();
        await CaseAsync("a-recent", now.AddHours(-1), rescueBy: "mu-a", ct);
        await CaseAsync("a-old", now.AddDays(-8), rescueBy: "mu-a", ct);   // older than 7 days
        await CaseAsync("a-theirs", now.AddHours(-2), rescueBy: "mu-b", ct); // mu-a is a party, the rescue is another unit's
        await _cases.SaveAsync(new PartyCase("a-unstored", "el-1", now, [Duty("mu-a")], null), now, ct); // no alert on record

        var mine = await _queries.AlertsAsync(Account("mu-a.duty"), ct);
        var nobody = await _queries.AlertsAsync(Account("stranger"), ct);

        Assert.NotNull(mine);
        Assert.Equal(["a-recent", "a-theirs"], mine.Select(a => a.Alert.AlertId));
        Assert.All(mine, a => Assert.Equal(["mu-a"], a.Duties.Select(d => d.OrganisationId)));
        Assert.Equal("mu-a", mine[0].Rescue?.UnitId);
        Assert.Null(mine[1].Rescue);
        Assert.Null(nobody);
        Assert.Equal("ou-1", (await _queries.OrganisationOfAsync(Account("ou-1.duty"), ct))?.Id);
    }

    private async Task CaseAsync(string alertId, DateTimeOffset openedAt, string rescueBy, CancellationToken ct)
    {
        var alert = InMemoryPorts.Alert(alertId, "el-1", "r-east", WarningLevel.Red, raisedAt: openedAt);
        await _alerts.RecordAsync(new AlertRecord(null, alert, "raised", "system", null, openedAt), ct);
        await _cases.SaveAsync(
            new PartyCase(alertId, "el-1", openedAt, [Duty("mu-a"), Duty("ou-1")], new Rescue(rescueBy, openedAt, openedAt.AddMinutes(30))), openedAt, ct);
    }

    private static PartyDuty Duty(string organisationId) =>
        new(organisationId, organisationId, PartyRole.Maintenance, DutyKind.Acknowledge, null, InMemoryPorts.T0.AddDays(30));

    private static Organisation Organisation(string id, OrganisationKind kind, string account) =>
        new(id, id, kind, null, null, [new Person("值班员", Person.OnCall, null, null, account)]);

    private static ClaimsPrincipal Account(string name) => new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], "test"));
}
