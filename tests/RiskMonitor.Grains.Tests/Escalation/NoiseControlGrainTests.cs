using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Assets;
using RiskMonitor.Contracts.Escalation;
using RiskMonitor.Contracts.Telemetry;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Assets;

namespace RiskMonitor.Grains.Tests.Escalation;

/// <summary>Silences holding escalation, and flapping, on the escalation cluster (its clock only moves forward).</summary>
[Collection(EscalationCollection.Name)]
public sealed class NoiseControlGrainTests(ClusterFixture fixture)
{
    private IAssetGrain Asset(string id) => fixture.Cluster.Client.GetGrain<IAssetGrain>(id);

    private EscalationClockRef Escalation(string alertId) => fixture.Cluster.Client.For(alertId);

    private TelemetryBatch Methane(double lel) =>
        new([new TelemetrySample(fixture.Time.GetUtcNow(), [new MetricValue("ch4_lel", lel)])], fixture.Time.GetUtcNow());

    private async Task<string> RaiseRedAsync(string assetId)
    {
        await Asset(assetId).Ingest(Methane(70));
        var alertId = (await Asset(assetId).GetView()).Alerts.Single(a => a.RuleId == "ch4_lel.high").AlertId;
        await EscalationWait.ForAsync(Escalation(alertId), tracking: true);
        return alertId;
    }

    /// <summary>Moves the clock to <paramref name="minutes"/> after <paramref name="start"/> and runs the escalation check.</summary>
    private async Task<EscalationStatus> CheckAtAsync(string alertId, DateTimeOffset start, double minutes)
    {
        fixture.Time.Advance(start.AddMinutes(minutes) - fixture.Time.GetUtcNow());
        return await Escalation(alertId).Check();
    }

    private Silence NewSilence(SilenceScope scope, string target, DateTimeOffset start, double minutes) =>
        new($"sil-{Guid.NewGuid():N}", scope, target, start, start.AddMinutes(minutes), "王工", "valve replacement", start);

    [Fact]
    public async Task A_silenced_red_alert_is_raised_but_escalates_only_one_timeout_after_the_silence_ends()
    {
        var ct = TestContext.Current.CancellationToken;
        var start = fixture.Time.GetUtcNow();
        var silence = NewSilence(SilenceScope.Asset, "gp-014", start, 20);
        await fixture.Silences.CreateAsync(silence, ct);

        var alertId = await RaiseRedAsync("gp-014");
        var at5 = await CheckAtAsync(alertId, start, 5);
        var at19 = await CheckAtAsync(alertId, start, 19);
        var at24 = await CheckAtAsync(alertId, start, 24.9);
        var at25 = await CheckAtAsync(alertId, start, 25);

        Assert.Equal((true, 0), (at5.Tracking, at5.StepsFired));
        Assert.Equal(start.AddMinutes(25), at5.NextDue);
        Assert.Equal(0, at19.StepsFired);
        Assert.Equal(0, at24.StepsFired);
        Assert.Equal(1, at25.StepsFired);
        Assert.Equal([1], fixture.Notices.For(alertId).Select(n => n.Step));
        var ledger = await fixture.Alerts.HistoryAsync(alertId, ct);
        Assert.Equal(["raised", "escalation_silenced", "escalated"], ledger.Select(e => e.Action));
        Assert.Contains(silence.SilenceId, ledger[1].Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_region_silence_covers_the_grid_below_it_and_expiring_it_early_starts_the_clock_then()
    {
        var ct = TestContext.Current.CancellationToken;
        var start = fixture.Time.GetUtcNow();
        var silence = NewSilence(SilenceScope.Region, "district-t", start, 60); // d-test lies under district-t
        await fixture.Silences.CreateAsync(silence, ct);

        var alertId = await RaiseRedAsync("gp-015");
        var at5 = await CheckAtAsync(alertId, start, 5);
        fixture.Time.Advance(TimeSpan.FromMinutes(5));
        await fixture.Silences.ExpireAsync(silence.SilenceId, "李主任", "done early", fixture.Time.GetUtcNow(), ct);
        var at11 = await CheckAtAsync(alertId, start, 11);
        var at14 = await CheckAtAsync(alertId, start, 14.9);
        var at16 = await CheckAtAsync(alertId, start, 16);

        // The clock runs from when the early end was seen: at the expiry (minute 10) by the held clock's one-minute
        // recheck, or at the latest by the check at minute 11; one red timeout after that.
        Assert.Equal(0, at5.StepsFired);
        Assert.Equal(0, at11.StepsFired);
        Assert.InRange(at11.NextDue!.Value, start.AddMinutes(15), start.AddMinutes(16));
        Assert.Equal(0, at14.StepsFired);
        Assert.Equal(1, at16.StepsFired);
    }

    [Fact]
    public async Task A_condition_that_cleared_during_the_silence_does_not_escalate_until_it_returns()
    {
        var ct = TestContext.Current.CancellationToken;
        var start = fixture.Time.GetUtcNow();
        await fixture.Silences.CreateAsync(NewSilence(SilenceScope.Asset, "gp-016", start, 10), ct);

        var alertId = await RaiseRedAsync("gp-016");
        var at5 = await CheckAtAsync(alertId, start, 5);
        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        await Asset("gp-016").Ingest(Methane(0));
        var at15 = await CheckAtAsync(alertId, start, 15);
        var activeAt15 = (await Asset("gp-016").GetView()).Alerts.Single(a => a.AlertId == alertId).ConditionActive;
        var at19 = await CheckAtAsync(alertId, start, 19);
        await Asset("gp-016").Ingest(Methane(70)); // back at minute 19, the alert still open
        var at20 = await CheckAtAsync(alertId, start, 20);

        Assert.Equal(0, at5.StepsFired);
        Assert.False(activeAt15);
        Assert.Equal(0, at15.StepsFired); // due 5 min after the silence ended, but the condition is gone
        Assert.Equal(0, at19.StepsFired);
        Assert.Equal(1, at20.StepsFired);
    }

    [Fact]
    public async Task A_flapping_alert_stays_one_alert_and_a_resolved_one_reopens_and_escalates_only_after_the_quiet_period()
    {
        var ct = TestContext.Current.CancellationToken;
        var alertId = await RaiseRedAsync("gp-017");
        foreach (var lel in new double[] { 0, 70, 0, 70, 0 })
        {
            fixture.Time.Advance(TimeSpan.FromSeconds(20));
            await Asset("gp-017").Ingest(Methane(lel));
        }

        var afterCycles = (await Asset("gp-017").GetView()).Alerts.Single(a => a.RuleId == "ch4_lel.high");
        var resolve = await Asset("gp-017").HandleAlert(new AlertAction(alertId, AlertActionKind.Resolve, "张值班", "sensor at its threshold") { Cause = "false_alarm" });
        fixture.Time.Advance(TimeSpan.FromSeconds(20));
        await Asset("gp-017").Ingest(Methane(70)); // returns while flapping: stays resolved, no clock
        var returned = (await Asset("gp-017").GetView()).Alerts.Single(a => a.RuleId == "ch4_lel.high");
        var clockWhileFlapping = await EscalationWait.ForAsync(Escalation(alertId), tracking: false);

        Assert.Equal(alertId, afterCycles.AlertId);
        Assert.True(afterCycles.Flapping);
        Assert.Equal(AlertActionStatus.Done, resolve.Status);
        Assert.Equal((AlertState.Resolved, true, true), (returned.State, returned.ConditionActive, returned.Flapping));
        Assert.False(clockWhileFlapping.Tracking);

        // Quiet for the quiet period: the asset's periodic check (a grain timer on real time) drops the flag.
        fixture.Time.Advance(TimeSpan.FromMinutes(10));
        AlertView? reopened = null;
        for (var i = 0; i < 100 && reopened is not { Flapping: false }; i++)
        {
            await Task.Delay(200, ct);
            reopened = (await Asset("gp-017").GetView()).Alerts.Single(a => a.RuleId == "ch4_lel.high");
        }

        Assert.Equal((AlertState.Open, false), (reopened!.State, reopened.Flapping));
        Assert.True((await EscalationWait.ForAsync(Escalation(alertId), tracking: true)).Tracking);
        var ledger = (await fixture.Alerts.HistoryAsync(alertId, ct)).Select(e => e.Action).ToList();
        Assert.Single(ledger, a => a == "flapping_started");
        Assert.Equal("flapping_ended", ledger[^1]);
        Assert.Single(fixture.Events.AlertsFor("gp-017"), e => e.Kind == AlertChangeKind.Raised && e.Alert.RuleId == "ch4_lel.high");
    }
}
