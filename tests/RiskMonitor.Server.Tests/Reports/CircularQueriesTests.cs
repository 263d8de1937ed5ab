using System.Collections.Frozen;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RiskMonitor.Domain.Hazards;
using RiskMonitor.Domain.Regions;
using RiskMonitor.Domain.Reports;
using RiskMonitor.Domain.Responsibility;
using RiskMonitor.Server.Regions;
using RiskMonitor.Server.Registry;
using RiskMonitor.Server.Reports.Circulars;
using RiskMonitor.Server.Tests.Fakes;
using RiskMonitor.Storage.Alerts;
using RiskMonitor.Storage.Feed;
using RiskMonitor.Storage.Hazards;
using RiskMonitor.Storage.Responsibility;

namespace RiskMonitor.Server.Tests.Reports;

/// <summary><c>GET /api/reports/circular</c> in process: what the query says, whose figures, which rendering.</summary>
public sealed class CircularQueriesTests
{
    private readonly FakeTimeProvider _time = new(InMemoryPorts.T0); // 2026-12-06 20:00 in the city (UTC+8)
    private readonly InMemoryPorts _ports = new(("gp-1", "r-east"), ("gp-2", "r-west"), ("lift-east", "r-east"), ("lift-west", "r-west"));
    private readonly InMemoryPartyCaseStore _cases = new();
    private readonly InMemoryHazardStore _hazards = new(new InMemoryFeedLog());
    private readonly CircularQueries _queries;

    public CircularQueriesTests()
    {
        var map = RegionMap.Build(RegionIndex.Empty, _ports.All);
        var live = new LiveRegistry(new RegistrySources(null, null, [], null), new RiskMapData(map, _ports, FrozenDictionary<string, ConsequenceRaise>.Empty));
        var options = Options.Create(new CircularOptions());
        var source = new CircularSource(new InMemoryAlertStore(), _hazards, _ports, live, _cases, new InMemoryResponsibilityStore(), options, _time);
        _queries = new CircularQueries(source, _ports, options, _time);
    }

    [Fact]
    public async Task By_default_the_month_of_the_local_day_for_the_whole_city()
    {
        var ct = TestContext.Current.CancellationToken;
        await OpenHazardAsync("h-east", "gp-1", "r-east", ct);
        await OpenHazardAsync("h-west", "gp-2", "r-west", ct);

        var report = Report(await _queries.GetAsync(new CircularRequest(), InMemoryPorts.CityWide, ct));

        Assert.Equal(CircularPeriod.Monthly, report.Period);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.FromHours(8)), report.From);
        Assert.Equal("全市", report.Scope);
        Assert.Equal(2, report.Total.OpenHazards);
    }

    [Fact]
    public async Task A_scoped_reader_gets_the_figures_of_its_regions_and_a_chosen_period_and_day()
    {
        var ct = TestContext.Current.CancellationToken;
        await OpenHazardAsync("h-east", "gp-1", "r-east", ct);
        await OpenHazardAsync("h-west", "gp-2", "r-west", ct);

        var report = Report(await _queries.GetAsync(new CircularRequest("weekly", "2026-12-02"), InMemoryPorts.ScopedTo("r-east"), ct));

        Assert.Equal(CircularPeriod.Weekly, report.Period);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.FromHours(8)), report.From); // the Monday of that week
        Assert.Equal("r-east", report.Scope);
        Assert.Equal(1, report.Total.OpenHazards);
    }

    [Fact]
    public async Task A_scoped_reader_gets_the_rescues_of_the_lifts_in_its_regions()
    {
        var ct = TestContext.Current.CancellationToken;
        var at = _time.GetUtcNow().AddHours(-2);
        await _cases.SaveAsync(new PartyCase("a-east", "lift-east", at, [], new Rescue("mu-east", at, at.AddMinutes(30), at.AddMinutes(20))), at, ct);
        await _cases.SaveAsync(new PartyCase("a-west", "lift-west", at, [], new Rescue("mu-west", at, at.AddMinutes(30), at.AddMinutes(40))), at, ct);

        var scoped = Report(await _queries.GetAsync(new CircularRequest(), InMemoryPorts.ScopedTo("r-east"), ct));
        var city = Report(await _queries.GetAsync(new CircularRequest(), InMemoryPorts.CityWide, ct));

        // A rescue names its unit; the lift it was for names the region.
        var row = Assert.Single(scoped.Rescues!);
        Assert.Equal(("mu-east", 1, 0), (row.Name, row.Kpi.Rescues, row.Kpi.Late));
        Assert.Equal(["mu-west", "mu-east"], city.Rescues!.Select(r => r.Name)); // the late one first
    }

    [Fact]
    public async Task The_format_chooses_the_rendering_and_names_the_file_by_period()
    {
        var ct = TestContext.Current.CancellationToken;

        var html = Assert.IsType<ContentHttpResult>((await _queries.GetAsync(new CircularRequest(Format: "HTML"), InMemoryPorts.CityWide, ct)).Result);
        var xlsx = Assert.IsType<FileContentHttpResult>((await _queries.GetAsync(new CircularRequest("quarterly", Format: "xlsx"), InMemoryPorts.CityWide, ct)).Result);

        Assert.Equal("text/html; charset=utf-8", html.ContentType);
        Assert.Contains("<html", html.ResponseContent, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<svg class=\"chart\"", html.ResponseContent, StringComparison.Ordinal); // the printable page's chart of alerts per day
        Assert.Equal("circular-quarterly-2026-10-01.xlsx", xlsx.FileDownloadName);
        Assert.Equal("PK", System.Text.Encoding.ASCII.GetString(xlsx.FileContents.Span[..2])); // a zip, as .xlsx files are
    }

    [Fact]
    public async Task A_period_date_or_format_it_does_not_know_is_a_validation_problem_naming_each()
    {
        var result = await _queries.GetAsync(new CircularRequest("2", "06/12/2026", "docx"), InMemoryPorts.CityWide, TestContext.Current.CancellationToken);

        var errors = Assert.IsType<ValidationProblem>(result.Result).ProblemDetails.Errors;
        Assert.Equal(["date", "format", "period"], errors.Keys.Order(StringComparer.Ordinal));
    }

    private static CircularReport Report(Results<Ok<CircularReport>, FileContentHttpResult, ContentHttpResult, ValidationProblem> result) =>
        Assert.IsType<Ok<CircularReport>>(result.Result).Value!;

    private Task OpenHazardAsync(string id, string assetId, string regionId, CancellationToken ct)
    {
        var at = _time.GetUtcNow().AddDays(-1);
        var hazard = new Hazard(id, HazardLevel.General, HazardSource.Inspection, HazardStatus.Reported, "井盖破损", assetId, regionId, "gas",
            null, null, null, null, null, "li.wei", at, at);
        return _hazards.RecordAsync(null, hazard, "reported", "li.wei", null, at, ct);
    }
}
