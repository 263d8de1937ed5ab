using RiskMonitor.Domain.Hazards;
using RiskMonitor.Storage.Feed;
using RiskMonitor.Storage.Hazards;
using RiskMonitor.Storage.Tests.Postgres;

namespace RiskMonitor.Storage.Tests.Feed;

[Collection(PostgresCollection.Name)]
public sealed class HazardFeedTests(PostgresFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Each_hazard_step_appends_its_event_with_the_ledger_and_a_refused_step_appends_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);
        var signal = new FeedSignal();
        var store = new PostgresHazardStore(db, signal);
        var feed = new PostgresFeedStore(db, signal);
        var reported = new Hazard(
            "HZ-1", HazardLevel.Major, HazardSource.Inspection, HazardStatus.Reported, "调压箱锈蚀", "gp-001", "d-east", "gas",
            null, null, null, null, null, "inspector.chen", T0, T0);
        var (assigned, _) = HazardWorkflow.Apply(reported, HazardStep.Assign, T0.AddHours(1), "城东燃气公司", T0.AddDays(10), "市应急管理局");
        var pulsed = signal.Appended;

        await store.RecordAsync(null, reported, "reported", "inspector.chen", "found on patrol", T0, ct);
        var stale = await store.RecordAsync(reported with { UpdatedAt = T0.AddMinutes(-1) }, assigned!, "assigned", "li.wei", null, T0.AddHours(1), ct);
        await store.RecordAsync(reported, assigned!, "assigned", "zhang.min", null, T0.AddHours(1), ct);

        var events = await feed.ReadAsync(new FeedQuery(), ct);
        Assert.False(stale);
        Assert.True(pulsed.IsCompleted);
        Assert.Equal(["hazard.reported", "hazard.assigned"], events.Select(e => e.Type));
        Assert.All(events, e => Assert.Equal((FeedEventTypes.HazardSchemaVersion, "gp-001", "d-east"), (e.SchemaVersion, e.AssetId, e.RegionId)));
        Assert.Equal("found on patrol", events[0].Payload.GetProperty("note").GetString());
        Assert.Equal("assigned", events[1].Payload.GetProperty("hazard").GetProperty("status").GetString());
        Assert.Equal("zhang.min", events[1].Payload.GetProperty("actor").GetString());
        Assert.Equal(T0.AddHours(1), events[1].OccurredAt);
    }

    [Fact]
    public async Task An_event_appended_on_its_own_gets_the_next_cursor_and_wakes_readers()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);
        var signal = new FeedSignal();
        var feed = new PostgresFeedStore(db, signal);
        var pulsed = signal.Appended;

        var first = await feed.AppendAsync(FeedEventTypes.RegionChanged, 1, T0, null, "d-west", System.Text.Json.JsonDocument.Parse("""{"region":{"regionId":"d-west","colour":"red"}}""").RootElement, ct);
        var second = await feed.AppendAsync(FeedEventTypes.RegionChanged, 1, T0, null, "d-west", System.Text.Json.JsonDocument.Parse("""{"region":{"regionId":"d-west","colour":"blue"}}""").RootElement, ct);

        Assert.True(pulsed.IsCompleted);
        Assert.Equal(first + 1, second);
        Assert.Equal(second, await feed.LatestCursorAsync(ct));
        Assert.Equal("blue", (await feed.ReadAsync(new FeedQuery(After: first), ct)).Single().Payload.GetProperty("region").GetProperty("colour").GetString());
    }
}
