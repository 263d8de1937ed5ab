using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Assets;
using RiskMonitor.Contracts.Escalation;
using RiskMonitor.Contracts.Telemetry;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Escalation;

namespace RiskMonitor.Grains.Tests.Escalation;

/// <summary>Its own cluster and clock: these tests move time by minutes, which the asset tests must not see.</summary>
[CollectionDefinition(Name)]
public sealed class EscalationCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "escalation";
}

// The clock is shared, so every test moves it forward only and measures from "now".
[Collection(EscalationCollection.Name)]
public sealed class EscalationShardGrainTests(ClusterFixture fixture)
{
    private IAssetGrain Asset(string id) => fixture.Cluster.Client.GetGrain<IAssetGrain>(id);

    private EscalationClockRef Escalation(string alertId) => fixture.Cluster.Client.For(alertId);

    private TelemetryBatch Methane(double lel) =>
        new([new TelemetrySample(fixture.Time.GetUtcNow(), [new MetricValue("ch4_lel", lel)])], fixture.Time.GetUtcNow());

    private async Task<string> RaiseAsync(string assetId, double lel)
    {
        await Asset(assetId).Ingest(Methane(lel));
        var alertId = (await Asset(assetId).GetView()).Alerts.Single(a => a.RuleId == "ch4_lel.high").AlertId;
        if (lel >= 10)
        {
            await EscalationWait.ForAsync(Escalation(alertId), tracking: true); // yellow and above have a clock
        }

        return alertId;
    }

    private async Task<EscalationStatus> AdvanceAndCheckAsync(string alertId, TimeSpan by)
    {
        fixture.Time.Advance(by);
        return await Escalation(alertId).Check();
    }

    [Fact]
    public async Task An_unacknowledged_red_alert_climbs_the_grid_every_five_minutes_until_acknowledged()
    {
        var now = fixture.Time.GetUtcNow();
        await fixture.Roster.AddAsync(new DutyShift(0, now.AddHours(-1), now.AddHours(23), "张值班", "13900000001", "赵领导", null), "test", TestContext.Current.CancellationToken);
        var alertId = await RaiseAsync("gp-011", 70);

        var tracking = await EscalationWait.ForAsync(Escalation(alertId), tracking: true);
        var early = await AdvanceAndCheckAsync(alertId, TimeSpan.FromMinutes(4));
        var first = await AdvanceAndCheckAsync(alertId, TimeSpan.FromMinutes(1));
        var between = await AdvanceAndCheckAsync(alertId, TimeSpan.FromMinutes(2));
        var second = await AdvanceAndCheckAsync(alertId, TimeSpan.FromMinutes(3));
        var ack = await Asset("gp-011").HandleAlert(new AlertAction(alertId, AlertActionKind.Acknowledge, "张值班", null));
        var atAck = await EscalationWait.ForAsync(Escalation(alertId), tracking: false);
        var stopped = await AdvanceAndCheckAsync(alertId, TimeSpan.FromMinutes(5));
        await AdvanceAndCheckAsync(alertId, TimeSpan.FromMinutes(30));

        Assert.True(tracking.Tracking);
        Assert.Equal(now + TimeSpan.FromMinutes(5), tracking.NextDue);
        Assert.Equal(0, early.StepsFired);
        Assert.Equal(1, first.StepsFired);
        Assert.Equal(1, between.StepsFired);
        Assert.Equal(2, second.StepsFired);
        Assert.Equal(AlertActionStatus.Done, ack.Status);
        Assert.False(atAck.Tracking); // the acknowledgement stops the clock at once, not on its next tick
        Assert.Null(atAck.NextDue);
        Assert.False(stopped.Tracking);

        var notices = fixture.Notices.For(alertId);
        Assert.Equal([1, 2], notices.Select(n => n.Step));
        Assert.Equal(
            [
                new EscalationRecipient(RecipientKind.RegionSupervisor, "王街道", "13800000001", "street-t"),
                new EscalationRecipient(RecipientKind.DutyOfficer, "张值班", "13900000001", null),
                new EscalationRecipient(RecipientKind.DutyLeader, "赵领导", null, null),
            ],
            notices[0].Recipients);
        Assert.Equal("district-t", notices[1].Recipients[0].RegionId);
        var ledger = await fixture.Alerts.HistoryAsync(alertId, TestContext.Current.CancellationToken);
        Assert.Equal(["raised", "escalated", "escalated", "acknowledged"], ledger.Select(e => e.Action));
        Assert.Contains("step 1, level 1: supervisor of street-t 王街道 13800000001", ledger[1].Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_orange_alert_waits_fifteen_minutes_and_a_blue_one_never_escalates()
    {
        await Asset("gp-012").Ingest(Methane(30));
        fixture.Time.Advance(TimeSpan.FromSeconds(11)); // orange confirms after 10 s
        var orange = await RaiseAsync("gp-012", 30);
        var alert = (await Asset("gp-012").GetView()).Alerts.Single(a => a.AlertId == orange);
        Assert.Equal(WarningLevel.Orange, alert.Severity);

        var at14 = await AdvanceAndCheckAsync(orange, TimeSpan.FromMinutes(14));
        var at15 = await AdvanceAndCheckAsync(orange, TimeSpan.FromMinutes(1));
        var blue = await Escalation("gp-999~offline~1").Check();

        Assert.Equal(0, at14.StepsFired);
        Assert.Equal(1, at15.StepsFired);
        Assert.False(blue.Tracking);
    }

    [Fact]
    public async Task A_new_activation_counts_the_steps_in_the_ledger_so_none_fires_twice()
    {
        var alertId = await RaiseAsync("gp-013", 70);
        var first = await AdvanceAndCheckAsync(alertId, TimeSpan.FromMinutes(5));

        // As if the silo had died after writing step 2 to the ledger but before writing the grain's state.
        await fixture.Alerts.AppendAsync(alertId, "escalated", "system", "step 2 (written before a crash)", fixture.Time.GetUtcNow(), TestContext.Current.CancellationToken);
        var grain = Escalation(alertId);
        await fixture.Cluster.Client.GetGrain<Orleans.Runtime.IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero, TestContext.Current.CancellationToken);
        var afterRestart = await grain.GetStatus();
        var notYet = await AdvanceAndCheckAsync(alertId, TimeSpan.FromMinutes(5));
        var next = await AdvanceAndCheckAsync(alertId, TimeSpan.FromMinutes(5)); // step 3 is due 15 min after the raise

        Assert.Equal(1, first.StepsFired);
        Assert.Equal(2, notYet.StepsFired);
        Assert.Equal(2, afterRestart.StepsFired);
        Assert.Equal(3, next.StepsFired);
        Assert.Equal([1, 3], fixture.Notices.For(alertId).Select(n => n.Step));
    }
}
