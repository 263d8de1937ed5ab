using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Domain;
using RiskMonitor.Server.Alerts;
using RiskMonitor.Server.Incidents;
using RiskMonitor.Server.Tests.Fakes;
using RiskMonitor.Storage.Alerts;
using RiskMonitor.Storage.Drills;
using RiskMonitor.Storage.Feed;
using RiskMonitor.Storage.Hazards;
using RiskMonitor.Storage.Incidents;

namespace RiskMonitor.Server.Tests.Incidents;

/// <summary><c>POST /api/incidents/records</c> in process: from scratch, from alerts, from the current grouping, scoped.</summary>
public sealed class IncidentCommandsTests
{
    private readonly FakeTimeProvider _time = new(InMemoryPorts.T0.AddMinutes(30));
    private readonly InMemoryPorts _ports = new(("gp-1", "r-east"), ("gp-2", "r-east"), ("gp-3", "r-west"));
    private readonly InMemoryIncidentStore _incidents = new();
    private readonly InMemoryAlertStore _alerts = new();
    private readonly AlertReadModel _board = new();
    private readonly IncidentCommands _commands;

    public IncidentCommandsTests() => _commands = new IncidentCommands(
        _incidents, _alerts, new InMemoryHazardStore(new InMemoryFeedLog()), _board, _ports, _ports, new InMemoryDrillStore(), _time, NullLogger<IncidentClockWatcher>.Instance);

    [Fact]
    public async Task Promoted_alerts_give_the_incident_its_title_region_and_start_and_each_alert_gets_a_ledger_line()
    {
        var ct = TestContext.Current.CancellationToken;
        await RaiseAsync(InMemoryPorts.Alert("a-2", "gp-2", "r-east", WarningLevel.Red, raisedAt: InMemoryPorts.T0.AddMinutes(3)), ct);
        await RaiseAsync(InMemoryPorts.Alert("a-1", "gp-1", "r-east", WarningLevel.Orange, raisedAt: InMemoryPorts.T0), ct);

        var result = await _commands.OpenAsync(new OpenIncidentRequest("li.wei", AlertIds: ["a-2", "a-1"]), InMemoryPorts.CityWide, ct);

        var created = Assert.IsType<Created<IncidentView>>(result.Result);
        var incident = created.Value!.Incident;
        Assert.Equal($"{IncidentEndpoints.Path}/{incident.IncidentId}", created.Location);
        Assert.Equal("gp-1: test", incident.Title); // the first alert raised names it
        Assert.Equal(("r-east", "gas"), (incident.RegionId, incident.Type));
        Assert.Equal(InMemoryPorts.T0, incident.OccurredAt); // the 1 h clock runs from the first alert, not from now
        Assert.Equal(["a-1", "a-2"], incident.AlertIds.Order(StringComparer.Ordinal));
        Assert.Equal(incident.Title, (await _incidents.FindAsync(incident.IncidentId, ct))?.Title);
        foreach (var alertId in new[] { "a-1", "a-2" })
        {
            var line = Assert.Single(await _alerts.HistoryAsync(alertId, ct), e => e.Action == "incident_opened");
            Assert.Equal(("li.wei", $"incident {incident.IncidentId}"), (line.Actor, line.Note));
        }
    }

    [Fact]
    public async Task A_current_grouping_is_promoted_with_the_alerts_it_holds_now()
    {
        var ct = TestContext.Current.CancellationToken;
        var first = InMemoryPorts.Alert("a-1", "gp-1", "r-east", WarningLevel.Red, raisedAt: InMemoryPorts.T0);
        var second = InMemoryPorts.Alert("a-2", "gp-2", "r-east", WarningLevel.Red, raisedAt: InMemoryPorts.T0.AddMinutes(2));
        foreach (var alert in new[] { first, second })
        {
            await RaiseAsync(alert, ct);
            _board.Apply(alert);
        }

        var groupId = Assert.Single(CurrentGrouping.Compute(_board, _ports, _ => true)).IncidentId;
        var result = await _commands.OpenAsync(new OpenIncidentRequest("li.wei", GroupId: groupId), InMemoryPorts.CityWide, ct);
        var unknown = await _commands.OpenAsync(new OpenIncidentRequest("li.wei", GroupId: "no-such-group"), InMemoryPorts.CityWide, ct);

        Assert.Equal(["a-1", "a-2"], Assert.IsType<Created<IncidentView>>(result.Result).Value!.Incident.AlertIds.Order(StringComparer.Ordinal));
        Assert.Contains("no-such-group", Assert.IsType<ValidationProblem>(unknown.Result).ProblemDetails.Errors["GroupId"][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_title_an_actor_or_a_known_alert_nothing_is_recorded_and_every_mistake_is_named()
    {
        var ct = TestContext.Current.CancellationToken;

        var result = await _commands.OpenAsync(new OpenIncidentRequest(null, AlertIds: ["a-missing"]), InMemoryPorts.CityWide, ct);

        var errors = Assert.IsType<ValidationProblem>(result.Result).ProblemDetails.Errors;
        Assert.Equal(["Actor", "AlertIds", "Title"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("a-missing", errors["AlertIds"][0], StringComparison.Ordinal);
        Assert.Empty(await _incidents.ListAsync(false, 100, ct));
    }

    [Fact]
    public async Task A_scoped_caller_may_not_promote_an_alert_outside_its_regions_but_may_record_one_inside()
    {
        var ct = TestContext.Current.CancellationToken;
        await RaiseAsync(InMemoryPorts.Alert("a-west", "gp-3", "r-west", WarningLevel.Red), ct);
        var east = InMemoryPorts.ScopedTo("r-east");

        var refused = await _commands.OpenAsync(new OpenIncidentRequest("wang.fang", AlertIds: ["a-west"]), east, ct);
        var own = await _commands.OpenAsync(new OpenIncidentRequest("wang.fang", Title: "阀门井冒烟", RegionId: "r-east"), east, ct);

        Assert.Equal(Microsoft.AspNetCore.Http.StatusCodes.Status403Forbidden, Assert.IsType<ProblemHttpResult>(refused.Result).StatusCode);
        Assert.DoesNotContain(await _alerts.HistoryAsync("a-west", ct), e => e.Action == "incident_opened");
        var incident = Assert.IsType<Created<IncidentView>>(own.Result).Value!.Incident;
        Assert.Equal(("阀门井冒烟", "other", _time.GetUtcNow()), (incident.Title, incident.Type, incident.OccurredAt));
        Assert.Single(await _incidents.ListAsync(false, 100, ct));
    }

    [Fact]
    public async Task A_hazard_or_alert_that_is_unknown_or_outside_the_callers_regions_is_named_and_never_linked()
    {
        var ct = TestContext.Current.CancellationToken;
        await RaiseAsync(InMemoryPorts.Alert("a-west", "gp-3", "r-west", WarningLevel.Red), ct);

        var open = await _commands.OpenAsync(new OpenIncidentRequest("li.wei", Title: "阀门井冒烟", HazardIds: ["HZ-NONE"]), InMemoryPorts.CityWide, ct);
        var hidden = await _commands.UnknownLinksAsync(["a-west", "a-none"], ["HZ-NONE"], _ports.ScopeOf(InMemoryPorts.ScopedTo("r-east")), ct);
        var known = await _commands.UnknownLinksAsync(["a-west"], [], _ports.ScopeOf(InMemoryPorts.CityWide), ct);

        Assert.Equal(["No hazard 'HZ-NONE'."], Assert.IsType<ValidationProblem>(open.Result).ProblemDetails.Errors["HazardIds"]);
        Assert.Empty(await _incidents.ListAsync(false, 100, ct));
        Assert.Equal(["No alert 'a-west', 'a-none'."], hidden["AlertIds"]);
        Assert.Equal(["No hazard 'HZ-NONE'."], hidden["HazardIds"]);
        Assert.Empty(known);
    }

    private Task RaiseAsync(AlertView alert, CancellationToken ct) =>
        _alerts.RecordAsync(new AlertRecord(null, alert, "raised", "system", null, alert.RaisedAt), ct);
}
