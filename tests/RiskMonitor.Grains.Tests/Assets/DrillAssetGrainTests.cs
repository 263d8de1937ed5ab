using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Assets;
using RiskMonitor.Contracts.Telemetry;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Drills;

namespace RiskMonitor.Grains.Tests.Assets;

/// <summary>An asset's drill key (decision 0042): the asset's rules, the drill's alerts, nothing real touched.</summary>
[Collection(ClusterCollection.Name)]
public sealed class DrillAssetGrainTests(ClusterFixture fixture)
{
    private const string AssetId = "gp-018";

    private TelemetryBatch Methane(double lel) =>
        new([new TelemetrySample(fixture.Time.GetUtcNow(), [new MetricValue("ch4_lel", lel)])], fixture.Time.GetUtcNow());

    private async Task<string> RunningDrillAsync(string drillId)
    {
        var drill = DrillWorkflow.Plan(drillId, "演练", DrillMode.Unscripted, null, [], "duty", fixture.Time.GetUtcNow()).Drill!;
        Assert.True(await fixture.Drills.RecordAsync(null, drill, "started", "duty", fixture.Time.GetUtcNow(), TestContext.Current.CancellationToken));
        return DrillKey.For(AssetId, drillId);
    }

    [Fact]
    public async Task A_drill_reading_raises_a_drill_alert_and_leaves_the_real_asset_as_it_was_and_a_real_reading_stays_real()
    {
        var key = await RunningDrillAsync("DR-G-1");
        var drill = fixture.Cluster.Client.GetGrain<IAssetGrain>(key);
        var real = fixture.Cluster.Client.GetGrain<IAssetGrain>(AssetId);

        await drill.Ingest(Methane(70));
        var realBefore = await real.GetView();
        await real.Ingest(Methane(60));

        var (_, drillAlert) = Assert.Single(fixture.Events.AlertsFor(key));
        Assert.Equal("DR-G-1", drillAlert.Drill);
        Assert.StartsWith(Exercise.Label, drillAlert.Message, StringComparison.Ordinal);
        Assert.Equal("Test gp-018", drillAlert.AssetName);
        Assert.Empty(fixture.Events.AssetsFor(key)); // no colour on the map
        Assert.Empty(fixture.Readings.PointsFor(key)); // no reading stored
        Assert.Equal(WarningLevel.None, realBefore.Level); // the drill did not touch the real asset
        var (_, realAlert) = Assert.Single(fixture.Events.AlertsFor(AssetId));
        Assert.Null(realAlert.Drill);
        Assert.Equal(WarningLevel.Red, (await real.GetView()).Level);
    }

    [Fact]
    public async Task Ending_the_drill_closes_its_alerts_refuses_later_injects_and_closes_nothing_real()
    {
        var key = await RunningDrillAsync("DR-G-2");
        var drill = fixture.Cluster.Client.GetGrain<IAssetGrain>(key);
        await drill.Ingest(Methane(70));
        var stored = await fixture.Drills.FindAsync("DR-G-2", TestContext.Current.CancellationToken);
        Assert.True(await fixture.Drills.RecordAsync(stored, DrillWorkflow.End(stored!, "duty", fixture.Time.GetUtcNow()).Drill, "ended", "duty",
            fixture.Time.GetUtcNow(), TestContext.Current.CancellationToken));

        var closed = await drill.EndDrill("duty");
        await drill.Ingest(Methane(90));

        Assert.Equal(1, closed);
        var changes = fixture.Events.AlertsFor(key);
        Assert.Equal(AlertState.Closed, changes[^1].Alert.State);
        Assert.Equal(2, changes.Count); // raised, then closed by the drill's end; the reading after it raised nothing
        Assert.Equal(0, await fixture.Cluster.Client.GetGrain<IAssetGrain>("gp-017").EndDrill("duty"));
    }
}
