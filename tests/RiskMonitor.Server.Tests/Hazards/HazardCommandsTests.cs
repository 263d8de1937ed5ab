using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Time.Testing;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Drills;
using RiskMonitor.Domain.Hazards;
using RiskMonitor.Server.Hazards;
using RiskMonitor.Server.Tests.Fakes;
using RiskMonitor.Storage.Alerts;
using RiskMonitor.Storage.Drills;
using RiskMonitor.Storage.Feed;
using RiskMonitor.Storage.Hazards;

namespace RiskMonitor.Server.Tests.Hazards;

/// <summary>
/// <c>POST /api/hazards</c> and <c>POST /api/alerts/{id}/hazard</c> in process, on the in-memory stores: the checks, the
/// caller's regions, what carries over from the asset or the alert, and the lines the ledgers get.
/// </summary>
public sealed class HazardCommandsTests
{
    private readonly FakeTimeProvider _time = new(InMemoryPorts.T0);
    private readonly InMemoryPorts _ports = new(("gp-1", "r-east"), ("gp-2", "r-west"));
    private readonly InMemoryHazardStore _store = new(new InMemoryFeedLog());
    private readonly InMemoryAlertStore _alerts = new();
    private readonly InMemoryDrillStore _drills = new();
    private readonly HazardCommands _commands;

    public HazardCommandsTests() => _commands = new HazardCommands(_store, _alerts, _drills, _ports, _ports, _time);

    [Fact]
    public async Task A_report_without_actor_or_description_of_an_unknown_asset_or_drill_names_every_field_and_stores_nothing()
    {
        var ct = TestContext.Current.CancellationToken;

        var result = await _commands.ReportAsync(new HazardReportRequest(" ", null, AssetId: "gp-404", DrillId: "DR-NOT-RUNNING"), InMemoryPorts.CityWide, ct);

        var problem = Assert.IsType<ValidationProblem>(result.Result);
        Assert.Equal(["Actor", "AssetId", "Description", "DrillId"], problem.ProblemDetails.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(await _store.QueryAsync(new HazardQuery(Limit: 10), ct));
    }

    [Fact]
    public async Task A_report_takes_region_and_industry_from_its_asset_unless_given()
    {
        var ct = TestContext.Current.CancellationToken;

        var result = await _commands.ReportAsync(
            new HazardReportRequest(" li.wei ", " Corroded riser ", HazardLevel.Major, AssetId: "gp-1", Note: "seen on patrol"), InMemoryPorts.CityWide, ct);

        var created = Assert.IsType<Created<HazardView>>(result.Result);
        var hazard = created.Value!.Hazard;
        Assert.Equal($"/api/hazards/{hazard.HazardId}", created.Location);
        Assert.Equal(
            ("gp-1", "r-east", "gas", HazardLevel.Major, HazardSource.Inspection, "Corroded riser", "li.wei", (string?)null),
            (hazard.AssetId, hazard.RegionId, hazard.Industry, hazard.Level, hazard.Source, hazard.Description, hazard.ReportedBy, hazard.DrillId));
        Assert.True(created.Value.ListedSupervision); // a major hazard is under listed supervision
        var line = Assert.Single(await _store.HistoryAsync(hazard.HazardId, ct));
        Assert.Equal(("reported", "li.wei", "seen on patrol"), (line.Action, line.Actor, line.Note));
    }

    [Fact]
    public async Task A_scoped_officer_reports_only_in_their_regions()
    {
        var ct = TestContext.Current.CancellationToken;
        var east = InMemoryPorts.ScopedTo("r-east");

        var elsewhere = await _commands.ReportAsync(new HazardReportRequest("wang.fang", "Blocked exit", AssetId: "gp-2"), east, ct);
        var noPlace = await _commands.ReportAsync(new HazardReportRequest("wang.fang", "Blocked exit"), east, ct);
        var own = await _commands.ReportAsync(new HazardReportRequest("wang.fang", "Blocked exit", RegionId: "r-east"), east, ct);

        Assert.Equal(403, Assert.IsType<ProblemHttpResult>(elsewhere.Result).StatusCode);
        Assert.Equal(403, Assert.IsType<ProblemHttpResult>(noPlace.Result).StatusCode); // a hazard of no region is city-wide
        Assert.Equal("r-east", Assert.IsType<Created<HazardView>>(own.Result).Value!.Hazard.RegionId);
        Assert.Single(await _store.QueryAsync(new HazardQuery(Limit: 10), ct));
    }

    [Fact]
    public async Task A_report_made_in_a_running_drill_is_the_drills()
    {
        var ct = TestContext.Current.CancellationToken;
        await _drills.RecordAsync(null, new Drill("DR-1", "gas leak drill", DrillMode.Unscripted, DrillStatus.Running, InMemoryPorts.T0, "zhang.min",
            null, InMemoryPorts.T0, "zhang.min", null, null, [], [], InMemoryPorts.T0), "started", "zhang.min", InMemoryPorts.T0, ct);

        var result = await _commands.ReportAsync(new HazardReportRequest("li.wei", "Drill hazard", AssetId: "gp-1", DrillId: "DR-1"), InMemoryPorts.CityWide, ct);

        Assert.Equal("DR-1", Assert.IsType<Created<HazardView>>(result.Result).Value!.Hazard.DrillId);
    }

    [Fact]
    public async Task A_hazard_from_an_alert_carries_the_alert_over_and_the_alerts_ledger_says_so()
    {
        var ct = TestContext.Current.CancellationToken;
        var drillKey = DrillKey.For("gp-1", "DR-1");
        var alert = InMemoryPorts.Alert($"{drillKey}~ch4_lel.high~1", drillKey, "r-east", WarningLevel.Red);
        await _alerts.RecordAsync(new AlertRecord(null, alert, AlertLedgerActions.Raised, AlertLedgerActions.SystemActor, null, InMemoryPorts.T0), ct);

        var result = await _commands.FromAlertAsync(alert.AlertId, new HazardReportRequest("li.wei", null), ct);
        var unknown = await _commands.FromAlertAsync("gp-1~ch4_lel.high~9", new HazardReportRequest("li.wei", null), ct);
        var anonymous = await _commands.FromAlertAsync(alert.AlertId, new HazardReportRequest(null, null), ct);

        var hazard = Assert.IsType<Created<HazardView>>(result.Result).Value!.Hazard;
        Assert.Equal(
            (HazardSource.Alert, alert.AlertId, drillKey, "r-east", "gas", "DR-1", $"{alert.AssetName}: {alert.Message}"),
            (hazard.Source, hazard.AlertId, hazard.AssetId, hazard.RegionId, hazard.Industry, hazard.DrillId, hazard.Description));
        Assert.Equal($"from alert {alert.AlertId}", Assert.Single(await _store.HistoryAsync(hazard.HazardId, ct)).Note);
        var opened = (await _alerts.HistoryAsync(alert.AlertId, ct))[^1];
        Assert.Equal((HazardCommands.HazardOpenedAction, "li.wei", $"hazard {hazard.HazardId} opened"), (opened.Action, opened.Actor, opened.Note));
        Assert.Equal(404, Assert.IsType<ProblemHttpResult>(unknown.Result).StatusCode);
        Assert.Equal(["Actor"], Assert.IsType<ValidationProblem>(anonymous.Result).ProblemDetails.Errors.Keys);
    }
}
