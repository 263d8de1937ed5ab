using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Server.Alerts;
using RiskMonitor.Server.Silences;
using RiskMonitor.Server.Tests.Fakes;
using RiskMonitor.Storage.Alerts;
using RiskMonitor.Storage.Silences;

namespace RiskMonitor.Server.Tests.Alerts;

/// <summary><c>GET /api/alerts</c> in process: the read model's current alerts, filtered, ordered, paged and scoped.</summary>
public sealed class AlertQueriesTests
{
    private readonly FakeTimeProvider _time = new(InMemoryPorts.T0);
    private readonly InMemoryPorts _ports = new(("gp-1", "r-east"), ("gp-2", "r-east"), ("gp-3", "r-west"));
    private readonly AlertReadModel _alerts = new();
    private readonly InMemorySilenceStore _silenceStore = new();
    private readonly SilenceReadModel _silences;
    private readonly AlertQueries _queries;

    public AlertQueriesTests()
    {
        _silences = new SilenceReadModel(_silenceStore, _ports, _time, NullLogger<SilenceReadModel>.Instance);
        _queries = new AlertQueries(_alerts, new InMemoryAlertStore(), _silences, _ports);
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

    private async Task<AlertPage> ListAsync(AlertListFilter filter, CancellationToken ct) =>
        Assert.IsType<Ok<AlertPage>>((await _queries.ListAsync(filter, InMemoryPorts.CityWide, ct)).Result).Value!;
}
