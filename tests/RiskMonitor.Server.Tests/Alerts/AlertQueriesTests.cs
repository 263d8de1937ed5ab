using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Escalation;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Drills;
using RiskMonitor.Server.Alerts;
using RiskMonitor.Server.Silences;
using RiskMonitor.Server.Tests.Fakes;
using RiskMonitor.Storage.Alerts;
using RiskMonitor.Storage.Silences;

namespace RiskMonitor.Server.Tests.Alerts;

/// <summary>
/// <c>GET /api/alerts</c> in process: the read model's current alerts, filtered, ordered, paged and scoped; and one alert
/// and its escalation clock, read from a fake of the grains (<see cref="FakeGrains"/>) and the in-memory store.
/// </summary>
public sealed class AlertQueriesTests
{
    private readonly FakeTimeProvider _time = new(InMemoryPorts.T0);
    private readonly InMemoryPorts _ports = new(("gp-1", "r-east"), ("gp-2", "r-east"), ("gp-3", "r-west"));
    private readonly AlertReadModel _alerts = new();
    private readonly InMemorySilenceStore _silenceStore = new();
    private readonly SilenceReadModel _silences;
    private readonly InMemoryAlertStore _store = new();
    private readonly FakeGrains _grains = new();
    private readonly AlertQueries _queries;

    public AlertQueriesTests()
    {
        _silences = new SilenceReadModel(_silenceStore, _ports, _time, NullLogger<SilenceReadModel>.Instance);
        _queries = new AlertQueries(_alerts, _store, _silences, _ports, _ports, _grains);
        _alerts.Apply(InMemoryPorts.Alert("a-old-red", "gp-1", "r-east", WarningLevel.Red, raisedAt: InMemoryPorts.T0));
        _alerts.Apply(InMemoryPorts.Alert("a-new-red", "gp-2", "r-east", WarningLevel.Red, raisedAt: InMemoryPorts.T0.AddMinutes(1)));
        _alerts.Apply(InMemoryPorts.Alert("a-yellow", "gp-3", "r-west", WarningLevel.Yellow, AlertState.InProgress));
        _alerts.Apply(InMemoryPorts.Alert("a-cleared", "gp-3", "r-west", WarningLevel.Red, AlertState.Acknowledged, active: false));
    }

    [Fact]
    public async Task Active_alerts_come_first_then_the_worst_then_the_newest_and_paging_keeps_the_total()
    {
        var ct = TestContext.Current.CancellationToken;

        var all = await ListAsync(new AlertListFilter(), ct);
        var second = await ListAsync(new AlertListFilter(Limit: 1, Offset: 1), ct);

        Assert.Equal(["a-new-red", "a-old-red", "a-yellow", "a-cleared"], all.Items.Select(a => a.AlertId));
        Assert.Equal(4, second.Total);
        Assert.Equal("a-old-red", Assert.Single(second.Items).AlertId);
    }

    [Fact]
    public async Task Filters_take_the_api_spelling_of_states_and_levels()
    {
        var ct = TestContext.Current.CancellationToken;

        var inProgress = await ListAsync(new AlertListFilter(State: "in_progress"), ct);
        var orangeAndAbove = await ListAsync(new AlertListFilter(MinSeverity: "orange", Active: true), ct);
        var ofAsset = await ListAsync(new AlertListFilter(AssetId: "gp-3", RegionId: "r-west"), ct);

        Assert.Equal("a-yellow", Assert.Single(inProgress.Items).AlertId);
        Assert.Equal(["a-new-red", "a-old-red"], orangeAndAbove.Items.Select(a => a.AlertId));
        Assert.Equal(2, ofAsset.Total);
    }

    [Fact]
    public async Task An_unknown_level_or_state_is_a_validation_problem_listing_the_values()
    {
        var result = await _queries.ListAsync(new AlertListFilter(MinSeverity: "crimson", State: "3"), InMemoryPorts.CityWide, TestContext.Current.CancellationToken);

        var problem = Assert.IsType<ValidationProblem>(result.Result);
        Assert.Contains("red", problem.ProblemDetails.Errors["minSeverity"][0], StringComparison.Ordinal);
        Assert.Contains("in_progress", problem.ProblemDetails.Errors["state"][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_caller_scoped_to_a_region_pages_through_its_alerts_only()
    {
        var result = await _queries.ListAsync(new AlertListFilter(Limit: 1), InMemoryPorts.ScopedTo("r-west"), TestContext.Current.CancellationToken);

        var page = Assert.IsType<Ok<AlertPage>>(result.Result).Value!;
        Assert.Equal(2, page.Total);
        Assert.Equal("a-yellow", Assert.Single(page.Items).AlertId);
    }

    [Fact]
    public async Task A_listed_alert_says_which_silence_covers_it_now()
    {
        var ct = TestContext.Current.CancellationToken;
        await _silenceStore.CreateAsync(
            new Silence("sil-1", SilenceScope.Region, "r-west", InMemoryPorts.T0, InMemoryPorts.T0.AddHours(1), "zhang.min", "works", InMemoryPorts.T0), ct);
        await _silences.RefreshAsync(ct);

        var page = await ListAsync(new AlertListFilter(RegionId: "r-west"), ct);

        Assert.All(page.Items, a => Assert.Equal("sil-1", a.SilencedBy));
        _time.Advance(TimeSpan.FromHours(2)); // the window is over: no reload needed to say so
        Assert.All((await ListAsync(new AlertListFilter(RegionId: "r-west"), ct)).Items, a => Assert.Null(a.SilencedBy));
    }

    [Fact]
    public async Task One_current_alert_is_read_from_its_assets_grain_with_the_silence_that_covers_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var alert = InMemoryPorts.Alert("gp-3~ch4_lel.high~7", "gp-3", "r-west", WarningLevel.Red);
        _grains.Assets["gp-3"] = FakeGrains.View("gp-3", "r-west", alert);
        await _store.RecordAsync(new AlertRecord(null, alert with { Message = "stale copy" }, "raised", "system", null, InMemoryPorts.T0), ct);
        await _silenceStore.CreateAsync(
            new Silence("sil-1", SilenceScope.Region, "r-west", InMemoryPorts.T0, InMemoryPorts.T0.AddHours(1), "zhang.min", "works", InMemoryPorts.T0), ct);
        await _silences.RefreshAsync(ct);

        var result = await _queries.GetAsync("gp-3~ch4_lel.high~7", ct);

        var found = Assert.IsType<Ok<AlertView>>(result.Result).Value!;
        Assert.Equal(alert with { SilencedBy = "sil-1" }, found); // the grain's copy, not the store's
        Assert.Equal(["asset gp-3"], _grains.Calls);
    }

    [Fact]
    public async Task A_closed_alert_has_left_its_grain_and_is_read_from_the_store()
    {
        var ct = TestContext.Current.CancellationToken;
        var closed = InMemoryPorts.Alert("gp-1~ch4_lel.high~2", "gp-1", "r-east", WarningLevel.Orange, AlertState.Closed, active: false);
        await _store.RecordAsync(new AlertRecord(null, closed, "closed", "zhang.min", "leak repaired", InMemoryPorts.T0), ct);

        var found = await _queries.GetAsync("gp-1~ch4_lel.high~2", ct);
        var missing = await _queries.GetAsync("gp-1~ch4_lel.high~3", ct);

        Assert.Equal(closed, Assert.IsType<Ok<AlertView>>(found.Result).Value);
        Assert.Equal(404, Assert.IsType<ProblemHttpResult>(missing.Result).StatusCode);
        Assert.Equal(["asset gp-1", "asset gp-1"], _grains.Calls);
    }

    [Theory]
    [InlineData("no-tilde")] // not an alert id at all
    [InlineData("gp-9~ch4_lel.high~1")] // an asset the registry does not know
    [InlineData("gp-9!drill-1~ch4_lel.high~1")] // a drill key of an unknown asset
    public async Task An_alert_of_no_known_asset_is_not_found_and_no_grain_is_woken(string alertId)
    {
        var result = await _queries.GetAsync(alertId, TestContext.Current.CancellationToken);

        var problem = Assert.IsType<ProblemHttpResult>(result.Result);
        Assert.Equal(404, problem.StatusCode);
        Assert.Contains(alertId, problem.ProblemDetails.Detail, StringComparison.Ordinal);
        Assert.Empty(_grains.Calls);
    }

    [Fact]
    public async Task A_drill_alert_is_read_from_its_drill_keys_grain()
    {
        var drillKey = DrillKey.For("gp-1", "drill-1");
        var alert = InMemoryPorts.Alert($"{drillKey}~ch4_lel.high~1", drillKey, "r-east", WarningLevel.Red);
        _grains.Assets[drillKey] = FakeGrains.View(drillKey, "r-east", alert);

        var result = await _queries.GetAsync(alert.AlertId, TestContext.Current.CancellationToken);

        Assert.Equal(alert, Assert.IsType<Ok<AlertView>>(result.Result).Value);
        Assert.Equal([$"asset {drillKey}"], _grains.Calls);
    }

    [Fact]
    public async Task A_running_escalation_clock_is_answered_as_the_shard_holds_it()
    {
        var running = new EscalationStatus("gp-1~ch4_lel.high~1", true, InMemoryPorts.T0, 1, InMemoryPorts.T0.AddMinutes(5), InMemoryPorts.T0.AddMinutes(10));
        _grains.Clocks[running.AlertId] = running;

        var result = await _queries.EscalationAsync(running.AlertId, TestContext.Current.CancellationToken);

        Assert.Equal(running, result.Value);
    }

    [Fact]
    public async Task A_stopped_clock_counts_the_steps_it_fired_from_the_ledger()
    {
        var ct = TestContext.Current.CancellationToken;
        var alert = InMemoryPorts.Alert("gp-1~ch4_lel.high~1", "gp-1", "r-east", WarningLevel.Red, AlertState.Acknowledged);
        await _store.RecordAsync(new AlertRecord(null, alert, AlertLedgerActions.Raised, AlertLedgerActions.SystemActor, null, InMemoryPorts.T0), ct);
        await _store.AppendAsync(alert.AlertId, AlertLedgerActions.Escalated, AlertLedgerActions.SystemActor, "step 1", InMemoryPorts.T0.AddMinutes(5), ct);
        await _store.AppendAsync(alert.AlertId, "comment", "zhang.min", "on my way", InMemoryPorts.T0.AddMinutes(6), ct);
        await _store.AppendAsync(alert.AlertId, AlertLedgerActions.Escalated, AlertLedgerActions.SystemActor, "step 2", InMemoryPorts.T0.AddMinutes(10), ct);

        var stopped = await _queries.EscalationAsync(alert.AlertId, ct);
        var never = await _queries.EscalationAsync("gp-2~ch4_lel.high~1", ct);

        Assert.Equal(new EscalationStatus(alert.AlertId, false, null, 2, InMemoryPorts.T0.AddMinutes(10), null), stopped.Value);
        Assert.Equal(EscalationStatus.NotTracking("gp-2~ch4_lel.high~1"), never.Value);
    }

    private async Task<AlertPage> ListAsync(AlertListFilter filter, CancellationToken ct) =>
        Assert.IsType<Ok<AlertPage>>((await _queries.ListAsync(filter, InMemoryPorts.CityWide, ct)).Result).Value!;
}
