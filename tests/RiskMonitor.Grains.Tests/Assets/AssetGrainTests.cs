using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Assets;
using RiskMonitor.Contracts.Telemetry;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Assets;

namespace RiskMonitor.Grains.Tests.Assets;

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}

// Every test uses its own asset ids, so they share one cluster and one fake clock without interfering.
[Collection(ClusterCollection.Name)]
public sealed class AssetGrainTests(ClusterFixture fixture)
{
    private IAssetGrain Asset(string id) => fixture.Cluster.Client.GetGrain<IAssetGrain>(id);

    private TelemetryBatch Methane(double lel, DateTimeOffset at) =>
        new([new TelemetrySample(at, [new MetricValue("ch4_lel", lel), new MetricValue("pressure_kpa", 310)])], fixture.Time.GetUtcNow());

    [Fact]
    public async Task A_red_methane_reading_shows_on_the_asset_at_once()
    {
        var asset = Asset("gp-001");

        await asset.Ingest(Methane(55, fixture.Time.GetUtcNow()));

        var view = await asset.GetView();
        Assert.Equal(WarningLevel.Red, view.Level);
        Assert.Equal(RiskColour.Red, view.Colour);
        Assert.Equal(55, view.Latest["ch4_lel"].Value);
        var (kind, alert) = Assert.Single(fixture.Events.AlertsFor("gp-001"));
        Assert.Equal(AlertChangeKind.Raised, kind);
        Assert.Equal("ch4_lel.high", alert.RuleId);
        Assert.Equal("Test gp-001", alert.AssetName);
        Assert.Equal(WarningLevel.Red, Assert.Single(fixture.Events.AssetsFor("gp-001")).Level);
    }

    [Fact]
    public async Task A_methane_ramp_raises_the_predictive_warning_with_its_forecast_minutes_before_red()
    {
        var id = TestRegistry.TrendAssetId;
        var asset = Asset(id);
        var start = fixture.Time.GetUtcNow().AddMinutes(-10);

        // 12 minutes at one reading per 5 s (device time): 1 % LEL for 2 min, then 6 % LEL a minute; red (50) after 490 s of ramp.
        for (var i = 0; i < 144; i++)
        {
            var lel = 1 + (i < 24 ? 0 : (i - 24) * 0.5);
            await asset.Ingest(Methane(lel, start.AddSeconds(i * 5)));
        }

        var alerts = fixture.Events.AlertsFor(id);
        var forecast = alerts.First(a => a.Alert.RuleId == "ch4_lel.forecast").Alert;
        var red = alerts.First(a => a.Alert.RuleId == "ch4_lel.high" && a.Alert.Level == WarningLevel.Red).Alert;
        Assert.Equal(WarningLevel.Yellow, forecast.Level);
        Assert.True(red.ReadingTime - forecast.ReadingTime >= TimeSpan.FromMinutes(2), $"forecast at {forecast.ReadingTime:O}, red at {red.ReadingTime:O}");
        Assert.InRange(forecast.Details!["slopePerMinute"], 4, 6.01); // the window still holds some of the flat start
        Assert.InRange(forecast.Details["secondsToThreshold"], 0, 300);
        Assert.Equal(60, forecast.Details["windowSamples"]);

        // The details cross the grain boundary with the alert (Orleans serialisation of the view).
        var view = await asset.GetView();
        Assert.Equal(forecast.Details["windowSeconds"], view.Alerts.Single(a => a.RuleId == "ch4_lel.forecast").Details!["windowSeconds"]);
    }

    [Fact]
    public async Task Each_level_change_is_recorded_for_the_risk_snapshot_and_a_steady_level_is_not()
    {
        var asset = Asset("gp-019");
        var raisedAt = fixture.Time.GetUtcNow();

        await asset.Ingest(Methane(55, raisedAt));
        await asset.Ingest(Methane(60, raisedAt.AddSeconds(1)));
        fixture.Time.Advance(TimeSpan.FromSeconds(2));
        await asset.Ingest(Methane(1, fixture.Time.GetUtcNow()));

        var atRaise = await fixture.LevelHistory.LevelsAtAsync(raisedAt, TestContext.Current.CancellationToken);
        var after = await fixture.LevelHistory.LevelsAtAsync(fixture.Time.GetUtcNow(), TestContext.Current.CancellationToken);
        Assert.Equal(WarningLevel.Red, atRaise.Levels["gp-019"]);
        Assert.Equal((await asset.GetView()).Level, after.Levels.GetValueOrDefault("gp-019", WarningLevel.None));
        Assert.NotEqual(WarningLevel.Red, after.Levels["gp-019"]);
    }

    [Fact]
    public async Task Every_reading_is_handed_to_the_writer_with_its_tags_even_when_late()
    {
        var asset = Asset("gp-002");
        var now = fixture.Time.GetUtcNow();

        await asset.Ingest(Methane(1, now));
        await asset.Ingest(Methane(2, now.AddSeconds(-30)));

        var points = fixture.Readings.PointsFor("gp-002");
        Assert.Equal(2, points.Count);
        Assert.All(points, p => Assert.Equal(("gas_pipeline", "d-test"), (p.Kind, p.RegionId)));
    }

    [Fact]
    public async Task A_leak_ramp_raises_upgrades_and_clears_one_alert()
    {
        var asset = Asset("gp-003");
        var start = fixture.Time.GetUtcNow();

        foreach (var (lel, second) in new[] { (12.0, 0), (12, 10), (30, 20), (30, 30), (60, 31), (1, 40) })
        {
            await asset.Ingest(Methane(lel, start.AddSeconds(second)));
        }

        var changes = fixture.Events.AlertsFor("gp-003");
        Assert.Equal(
            [AlertChangeKind.Raised, AlertChangeKind.Updated, AlertChangeKind.Updated, AlertChangeKind.Cleared],
            changes.Select(c => c.Kind));
        Assert.Single(changes.Select(c => c.Alert.AlertId).Distinct());
        Assert.Equal(WarningLevel.Red, changes[^1].Alert.Severity);
        Assert.False(changes[^1].Alert.ConditionActive);
    }

    [Fact]
    public async Task An_entrapment_event_raises_red_with_a_response_deadline()
    {
        var asset = Asset("el-001");
        var now = fixture.Time.GetUtcNow();

        await asset.IngestEvent(new DeviceEvent(now, "entrapment", true, """{"floor":7}""", now));

        var (_, alert) = Assert.Single(fixture.Events.AlertsFor("el-001"));
        Assert.Equal(WarningLevel.Red, alert.Severity);
        Assert.Equal(now.AddMinutes(30), alert.RespondBy);
    }

    [Fact]
    public async Task An_alert_is_handled_through_to_closing()
    {
        var asset = Asset("gp-004");
        var now = fixture.Time.GetUtcNow();
        await asset.Ingest(Methane(60, now));
        var alertId = (await asset.GetView()).Alerts.Single().AlertId;

        var early = await asset.HandleAlert(new AlertAction(alertId, AlertActionKind.Resolve, "li.wei", "vented"));
        var ack = await asset.HandleAlert(new AlertAction(alertId, AlertActionKind.Acknowledge, "li.wei", null));
        await asset.Ingest(Methane(1, now.AddSeconds(5)));
        var resolved = await asset.HandleAlert(new AlertAction(alertId, AlertActionKind.Resolve, "li.wei", "valve replaced"));
        var closed = await asset.HandleAlert(new AlertAction(alertId, AlertActionKind.Close, "zhang.min", "verified on site"));

        Assert.Equal(AlertActionStatus.NotAllowed, early.Status);
        Assert.Equal(AlertState.Acknowledged, ack.Alert!.State);
        Assert.Equal(AlertState.Resolved, resolved.Alert!.State);
        Assert.Equal(AlertState.Closed, closed.Alert!.State);
        Assert.Empty((await asset.GetView()).Alerts);
    }

    [Fact]
    public async Task An_unknown_alert_id_is_reported_as_such()
    {
        var result = await Asset("gp-005").HandleAlert(new AlertAction("gp-005~ch4_lel.high~1", AlertActionKind.Acknowledge, "li.wei", null));

        Assert.Equal(AlertActionStatus.UnknownAlert, result.Status);
    }
}

// Advancing the clock would let other assets' silence timers fire, so this test has a cluster of its own.
public sealed class AssetSilenceTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task A_silent_asset_goes_offline_after_three_reporting_intervals()
    {
        var asset = fixture.Cluster.Client.GetGrain<IAssetGrain>("gp-006");
        var now = fixture.Time.GetUtcNow();
        await asset.Ingest(new TelemetryBatch([new TelemetrySample(now, [new MetricValue("ch4_lel", 1)])], now));

        // The silence timer runs on the injected clock: step it forward and give the timer a moment to run.
        for (var step = 0; step < 60 && fixture.Events.AlertsFor("gp-006").Count == 0; step++)
        {
            fixture.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        var (kind, alert) = Assert.Single(fixture.Events.AlertsFor("gp-006"));
        Assert.Equal(AlertChangeKind.Raised, kind);
        Assert.Equal("offline", alert.RuleId);
        Assert.True(fixture.Time.GetUtcNow() - now >= TimeSpan.FromSeconds(15));
        Assert.False((await asset.GetView()).Online);
    }

    [Fact]
    public async Task An_asset_that_keeps_reporting_stays_online_and_each_new_silence_is_noticed_again()
    {
        var asset = fixture.Cluster.Client.GetGrain<IAssetGrain>("gp-007");
        async Task ReadAsync()
        {
            var now = fixture.Time.GetUtcNow();
            await asset.Ingest(new TelemetryBatch([new TelemetrySample(now, [new MetricValue("ch4_lel", 1)])], now));
        }

        async Task<TimeSpan> SilentUntilAsync(int alerts)
        {
            var from = fixture.Time.GetUtcNow();
            for (var step = 0; step < 60 && fixture.Events.AlertsFor("gp-007").Count < alerts; step++)
            {
                fixture.Time.Advance(TimeSpan.FromSeconds(1));
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }

            return fixture.Time.GetUtcNow() - from;
        }

        // Reporting every 4 s, well within the 15 s timeout, for 40 s of clock: the watch must not fire.
        for (var i = 0; i < 10; i++)
        {
            await ReadAsync();
            for (var s = 0; s < 4; s++)
            {
                fixture.Time.Advance(TimeSpan.FromSeconds(1));
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }
        }

        Assert.Empty(fixture.Events.AlertsFor("gp-007"));

        await ReadAsync();
        Assert.True(await SilentUntilAsync(1) >= TimeSpan.FromSeconds(15));
        await ReadAsync(); // data clears the offline alert and re-arms the watch
        Assert.Equal(AlertChangeKind.Cleared, fixture.Events.AlertsFor("gp-007")[^1].Kind);
        Assert.True(await SilentUntilAsync(3) >= TimeSpan.FromSeconds(15));

        var kinds = fixture.Events.AlertsFor("gp-007").Select(a => a.Kind).ToList();
        Assert.Equal(3, kinds.Count);
        Assert.Equal(AlertChangeKind.Raised, kinds[0]);
        Assert.Equal(AlertChangeKind.Cleared, kinds[1]);
        Assert.All(fixture.Events.AlertsFor("gp-007"), a => Assert.Equal("offline", a.Alert.RuleId));
        Assert.False((await asset.GetView()).Online);
    }
}
