using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Time.Testing;
using RiskMonitor.Domain.Hazards;
using RiskMonitor.Server.Hazards;
using RiskMonitor.Server.Tests.Fakes;
using RiskMonitor.Storage.Feed;
using RiskMonitor.Storage.Hazards;

namespace RiskMonitor.Server.Tests.Hazards;

/// <summary><c>GET /api/hazards</c> in process: the ledger's page, newest first, scoped to the caller, overdue flagged.</summary>
public sealed class HazardQueriesTests
{
    private readonly FakeTimeProvider _time = new(InMemoryPorts.T0);
    private readonly InMemoryPorts _ports = new(("gp-1", "r-east"), ("gp-2", "r-west"));
    private readonly InMemoryHazardStore _store = new(new InMemoryFeedLog());
    private readonly HazardQueries _queries;

    public HazardQueriesTests() => _queries = new HazardQueries(_store, _ports, _time);

    [Fact]
    public async Task Newest_first_each_with_its_overdue_flag_at_the_time_of_the_request()
    {
        var ct = TestContext.Current.CancellationToken;
        await RecordAsync(Hazard("h-1", "gp-1", "r-east", reportedMinutesAgo: 30, deadlineInMinutes: -5), ct);
        await RecordAsync(Hazard("h-2", null, "r-west", reportedMinutesAgo: 10, deadlineInMinutes: 60), ct);

        var before = await ListAsync(new HazardListFilter(), ct);
        _time.Advance(TimeSpan.FromHours(2));
        var later = await ListAsync(new HazardListFilter(), ct);

        Assert.Equal(["h-2", "h-1"], before.Select(h => h.Hazard.HazardId));
        Assert.Equal([false, true], before.Select(h => h.Overdue));
        Assert.Equal([true, true], later.Select(h => h.Overdue)); // the flag is worked out now, not stored
    }

    [Fact]
    public async Task Filters_take_the_api_spelling_and_overdue_means_overdue_now()
    {
        var ct = TestContext.Current.CancellationToken;
        await RecordAsync(Hazard("h-1", "gp-1", "r-east", reportedMinutesAgo: 30, deadlineInMinutes: -5), ct);
        await RecordAsync(Hazard("h-2", null, "r-west", reportedMinutesAgo: 10, deadlineInMinutes: 60, level: HazardLevel.Major), ct);

        var overdue = await ListAsync(new HazardListFilter(Overdue: true), ct);
        var major = await ListAsync(new HazardListFilter(Level: "major", Status: "reported"), ct);
        var west = await ListAsync(new HazardListFilter(RegionId: "r-west"), ct);

        Assert.Equal("h-1", Assert.Single(overdue).Hazard.HazardId);
        Assert.Equal("h-2", Assert.Single(major).Hazard.HazardId);
        Assert.True(Assert.Single(major).ListedSupervision);
        Assert.Equal("h-2", Assert.Single(west).Hazard.HazardId);
    }

    [Fact]
    public async Task An_unknown_status_or_level_is_a_validation_problem_and_reads_nothing()
    {
        var result = await _queries.ListAsync(new HazardListFilter(Status: "fixed", Level: "2"), InMemoryPorts.CityWide, TestContext.Current.CancellationToken);

        var problem = Assert.IsType<ValidationProblem>(result.Result);
        Assert.Contains("verified", problem.ProblemDetails.Errors["status"][0], StringComparison.Ordinal);
        Assert.Contains("major", problem.ProblemDetails.Errors["level"][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_scoped_caller_sees_hazards_of_its_assets_and_regions_and_never_a_city_wide_one()
    {
        var ct = TestContext.Current.CancellationToken;
        await RecordAsync(Hazard("h-east-asset", "gp-1", "r-west", reportedMinutesAgo: 3), ct); // the asset decides, not the stated region
        await RecordAsync(Hazard("h-east-region", null, "r-east", reportedMinutesAgo: 2), ct);
        await RecordAsync(Hazard("h-west", "gp-2", "r-west", reportedMinutesAgo: 1), ct);
        await RecordAsync(Hazard("h-city", null, null, reportedMinutesAgo: 0), ct);

        var result = await _queries.ListAsync(new HazardListFilter(), InMemoryPorts.ScopedTo("r-east"), ct);
        var all = await ListAsync(new HazardListFilter(), ct);

        var page = Assert.IsType<Ok<IReadOnlyList<HazardView>>>(result.Result).Value!;
        Assert.Equal(["h-east-region", "h-east-asset"], page.Select(h => h.Hazard.HazardId));
        Assert.Equal(4, all.Count);
    }

    private async Task<IReadOnlyList<HazardView>> ListAsync(HazardListFilter filter, CancellationToken ct)
    {
        var result = await _queries.ListAsync(filter, InMemoryPorts.CityWide, ct);
        return Assert.IsType<Ok<IReadOnlyList<HazardView>>>(result.Result).Value!;
    }

    private Task RecordAsync(Hazard hazard, CancellationToken ct) => _store.RecordAsync(null, hazard, "reported", hazard.ReportedBy, null, hazard.ReportedAt, ct);

    private Hazard Hazard(
        string id, string? assetId, string? regionId, int reportedMinutesAgo, int? deadlineInMinutes = null, HazardLevel level = HazardLevel.General)
    {
        var now = _time.GetUtcNow();
        var reported = now.AddMinutes(-reportedMinutesAgo);
        return new Hazard(
            id, level, HazardSource.Inspection, HazardStatus.Reported, "井盖破损", assetId, regionId, "gas", null, null, null,
            deadlineInMinutes is { } m ? now.AddMinutes(m) : null, null, "li.wei", reported, reported);
    }
}
