using Microsoft.Extensions.Time.Testing;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Drills;
using RiskMonitor.Domain.Escalation;
using RiskMonitor.Server.Alerts;
using RiskMonitor.Server.Drills;
using RiskMonitor.Server.Tests.Fakes;
using RiskMonitor.Storage.Alerts;
using RiskMonitor.Storage.Drills;
using RiskMonitor.Storage.Feed;
using RiskMonitor.Storage.Hazards;
using RiskMonitor.Storage.Incidents;

namespace RiskMonitor.Server.Tests.Drills;

/// <summary><c>GET /api/drills/{id}/report</c> in process: which alerts are the drill's, from which source, against which clock.</summary>
public sealed class DrillReportQueriesTests
{
    private const string DrillId = "DR-20261206-ABCDEF";

    private readonly FakeTimeProvider _time = new(InMemoryPorts.T0.AddMinutes(20));
    private readonly InMemoryDrillStore _drills = new();
    private readonly InMemoryAlertStore _alerts = new();
    private readonly AlertReadModel _board = new();
    private readonly DrillReportQueries _queries;

    public DrillReportQueriesTests()
    {
        var feed = new InMemoryFeedLog();
        var escalation = new EscalationPolicy(new Dictionary<WarningLevel, TimeSpan> { [WarningLevel.Red] = TimeSpan.FromMinutes(5) });
        _queries = new DrillReportQueries(_drills, _alerts, _board, escalation, new InMemoryIncidentStore(feed), new InMemoryHazardStore(feed), _time);
    }

    [Fact]
    public async Task The_report_holds_the_drills_alerts_from_the_store_and_the_board_each_against_its_acknowledge_clock_and_no_real_alert()
    {
        var ct = TestContext.Current.CancellationToken;
        var (drill, _) = DrillWorkflow.Plan(DrillId, "燃气泄漏应急演练", DrillMode.Unscripted, null, [], "zhang.min", InMemoryPorts.T0);
        Assert.True(await _drills.RecordAsync(null, drill!, "created", "zhang.min", InMemoryPorts.T0, ct));

        // Stored and acknowledged 2 min after its raise, within the 5 min clock.
        var stored = InMemoryPorts.Alert("a-stored", DrillKey.For("gp-1", DrillId), "r-east", WarningLevel.Red, raisedAt: InMemoryPorts.T0.AddMinutes(1));
        await _alerts.RecordAsync(new AlertRecord(null, stored, AlertLedgerActions.Raised, "system", null, stored.RaisedAt), ct);
        await _alerts.RecordAsync(new AlertRecord(stored, stored with { State = Domain.Alerts.AlertState.Acknowledged }, AlertLedgerActions.Acknowledged, "wang.fang", null,
            stored.RaisedAt.AddMinutes(2)), ct);
        // Only on this node's board so far (not yet in the store), never acknowledged: its clock ran out.
        _board.Apply(InMemoryPorts.Alert("a-board", DrillKey.For("gp-2", DrillId), "r-east", WarningLevel.Red, raisedAt: InMemoryPorts.T0.AddMinutes(2)));
        // A real alert raised while the drill ran is not the drill's.
        var real = InMemoryPorts.Alert("a-real", "gp-3", "r-east", WarningLevel.Red, raisedAt: InMemoryPorts.T0.AddMinutes(3));
        await _alerts.RecordAsync(new AlertRecord(null, real, AlertLedgerActions.Raised, "system", null, real.RaisedAt), ct);
        _board.Apply(real);

        var report = await _queries.ReportAsync(DrillId, ct);
        var unknown = await _queries.ReportAsync("DR-20261206-ZZZZZZ", ct);

        Assert.NotNull(report);
        Assert.Null(unknown);
        Assert.True(report.Exercise);
        Assert.Equal(["a-board", "a-stored"], report.Alerts.Select(a => a.AlertId).Order(StringComparer.Ordinal));
        var acknowledged = Assert.Single(report.Alerts, a => a.AlertId == "a-stored");
        Assert.Equal(("gp-1", "wang.fang", 120.0, DrillClock.Met), (acknowledged.AssetId, acknowledged.Acknowledged?.Actor, acknowledged.Acknowledged?.SecondsAfterRaise, acknowledged.Clock));
        Assert.Equal(DrillClock.Missed, Assert.Single(report.Alerts, a => a.AlertId == "a-board").Clock);
        Assert.Equal((2, 1, 1, 1), (report.Summary.Alerts, report.Summary.Acknowledged, report.Summary.ClocksMet, report.Summary.ClocksMissed));
    }
}
