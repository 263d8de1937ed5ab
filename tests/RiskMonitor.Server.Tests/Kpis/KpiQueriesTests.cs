using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Time.Testing;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Hazards;
using RiskMonitor.Server.Kpis;
using RiskMonitor.Server.Tests.Fakes;
using RiskMonitor.Storage.Alerts;
using RiskMonitor.Storage.Feed;
using RiskMonitor.Storage.Hazards;
using RiskMonitor.Storage.Responsibility;

namespace RiskMonitor.Server.Tests.Kpis;

/// <summary><c>GET /api/kpis</c> and <c>GET /api/kpis/hourly</c> in process: the period asked, whose alerts, which stores answer.</summary>
public sealed class KpiQueriesTests
{
    // 2026-12-06 20:00 in the city (UTC+8).
    private readonly FakeTimeProvider _time = new(InMemoryPorts.T0);
    private readonly InMemoryPorts _ports = new(("gp-1", "r-east"), ("gp-2", "r-west"));
    private readonly InMemoryAlertStore _alerts = new();
    private readonly InMemoryHazardStore _hazards = new(new InMemoryFeedLog());
    private readonly KpiQueries _queries;

    public KpiQueriesTests() => _queries = new KpiQueries(_alerts, _hazards, new InMemoryPartyCaseStore(), _ports, _time);

    [Fact]
    public async Task By_default_the_last_7_local_days_with_the_alerts_raised_their_time_to_acknowledge_and_the_hazards_overdue_now()
    {
        var ct = TestContext.Current.CancellationToken;
        await RaiseAsync("a-1", "gp-1", "r-east", WarningLevel.Red, InMemoryPorts.T0.AddHours(-2), acknowledgeAfter: TimeSpan.FromMinutes(4), ct);
        await RaiseAsync("a-2", "gp-2", "r-west", WarningLevel.Orange, InMemoryPorts.T0.AddDays(-9), acknowledgeAfter: null, ct); // before the period
        await HazardAsync("h-late", deadline: InMemoryPorts.T0.AddDays(-1), ct);
        await HazardAsync("h-in-time", deadline: InMemoryPorts.T0.AddDays(3), ct);

        var view = Assert.IsType<Ok<KpiView>>((await _queries.PeriodAsync(null, null, null, ct)).Result).Value!;

        Assert.Equal(("+08:00", new DateTimeOffset(2026, 12, 6, 16, 0, 0, TimeSpan.Zero)), (view.UtcOffset, view.To)); // the end of the local day
        Assert.Equal(view.To.AddDays(-7), view.From);
        Assert.Equal(1, view.AlertsRaised);
        Assert.Equal(1, Assert.Single(view.PerDay, d => d.Total > 0).Red);
        Assert.Equal((1, 240.0), (view.TimeToAcknowledge.Count, view.TimeToAcknowledge.MedianSeconds));
        Assert.Equal(1, view.OverdueHazards);
    }

    [Fact]
    public async Task A_bad_offset_a_period_that_ends_before_it_starts_or_one_over_366_days_is_refused_naming_the_parameter()
    {
        var ct = TestContext.Current.CancellationToken;

        var offset = await _queries.PeriodAsync(null, null, "+15:00", ct);
        var reversed = await _queries.PeriodAsync(InMemoryPorts.T0, InMemoryPorts.T0.AddDays(-1), "Z", ct);
        var tooLong = await _queries.PeriodAsync(InMemoryPorts.T0.AddDays(-367), InMemoryPorts.T0, null, ct);
        var hourly = await _queries.HourlyAsync("eight", InMemoryPorts.CityWide, ct);

        Assert.Equal(["utcOffset"], Assert.IsType<ValidationProblem>(offset.Result).ProblemDetails.Errors.Keys);
        Assert.Equal(["to"], Assert.IsType<ValidationProblem>(reversed.Result).ProblemDetails.Errors.Keys);
        Assert.Equal(["from"], Assert.IsType<ValidationProblem>(tooLong.Result).ProblemDetails.Errors.Keys);
        Assert.Equal(["utcOffset"], Assert.IsType<ValidationProblem>(hourly.Result).ProblemDetails.Errors.Keys);
    }

    [Fact]
    public async Task The_hourly_series_of_a_region_scoped_account_counts_its_regions_alerts_only()
    {
        var ct = TestContext.Current.CancellationToken;
        await RaiseAsync("a-east", "gp-1", "r-east", WarningLevel.Red, InMemoryPorts.T0.AddMinutes(-30), acknowledgeAfter: TimeSpan.FromMinutes(2), ct);
        await RaiseAsync("a-west", "gp-2", "r-west", WarningLevel.Yellow, InMemoryPorts.T0.AddMinutes(-20), acknowledgeAfter: null, ct);

        var city = Assert.IsType<Ok<HourlyKpiView>>((await _queries.HourlyAsync(null, InMemoryPorts.CityWide, ct)).Result).Value!;
        var east = Assert.IsType<Ok<HourlyKpiView>>((await _queries.HourlyAsync(null, InMemoryPorts.ScopedTo("r-east"), ct)).Result).Value!;

        Assert.Equal((true, 24, 2), (city.CityWide, city.PerHour.Count, city.PerHour.Sum(h => h.Total)));
        Assert.Equal((false, 1, 1), (east.CityWide, east.PerHour.Sum(h => h.Total), east.PerHour.Sum(h => h.Red)));
        Assert.Equal((1, 120.0), (east.AcknowledgeToday.Count, east.AcknowledgeToday.MedianSeconds));
    }

    private async Task RaiseAsync(
        string alertId, string assetId, string regionId, WarningLevel level, DateTimeOffset raisedAt, TimeSpan? acknowledgeAfter, CancellationToken ct)
    {
        var alert = InMemoryPorts.Alert(alertId, assetId, regionId, level, raisedAt: raisedAt);
        await _alerts.RecordAsync(new AlertRecord(null, alert, AlertLedgerActions.Raised, "system", null, raisedAt), ct);
        if (acknowledgeAfter is { } after)
        {
            var acknowledged = alert with { State = AlertState.Acknowledged, UpdatedAt = raisedAt + after };
            await _alerts.RecordAsync(new AlertRecord(alert, acknowledged, AlertLedgerActions.Acknowledged, "li.wei", null, raisedAt + after), ct);
        }
    }

    private Task HazardAsync(string id, DateTimeOffset deadline, CancellationToken ct)
    {
        var at = InMemoryPorts.T0.AddDays(-5);
        var hazard = new Hazard(id, HazardLevel.General, HazardSource.Inspection, HazardStatus.Reported, "井盖破损", "gp-1", "r-east", "gas",
            null, null, null, deadline, null, "li.wei", at, at);
        return _hazards.RecordAsync(null, hazard, "reported", "li.wei", null, at, ct);
    }
}
