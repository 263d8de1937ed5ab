using Npgsql;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Storage.Alerts;
using RiskMonitor.Storage.Feed;
using RiskMonitor.Storage.Tests.Alerts;
using RiskMonitor.Storage.Tests.Postgres;

namespace RiskMonitor.Storage.Tests.Feed;

[Collection(PostgresCollection.Name)]
public sealed class PostgresFeedStoreTests(PostgresFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Each_alert_change_appends_its_event_in_the_same_transaction_and_a_failed_change_appends_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);
        var signal = new FeedSignal();
        var store = new PostgresAlertStore(db, signal);
        var feed = new PostgresFeedStore(db, signal);
        var raised = PostgresAlertStoreTests.Alert("gp-001", "ch4_lel.high");
        var cleared = raised with { ConditionActive = false, UpdatedAt = T0.AddMinutes(3) };
        // A second open alert of the same asset and rule breaks the unique index: the whole change must roll back.
        var duplicate = PostgresAlertStoreTests.Alert("gp-001", "ch4_lel.high", T0.AddMinutes(1));

        var pulsed = signal.Appended;
        await store.RecordAsync(new AlertRecord(null, raised, AlertLedgerActions.Raised, AlertLedgerActions.SystemActor, null, T0), ct);
        await Assert.ThrowsAsync<PostgresException>(() =>
            store.RecordAsync(new AlertRecord(null, duplicate, AlertLedgerActions.Raised, AlertLedgerActions.SystemActor, null, T0.AddMinutes(1)), ct));
        await store.RecordAsync(new AlertRecord(raised, cleared, AlertLedgerActions.ConditionCleared, AlertLedgerActions.SystemActor, "back to normal", T0.AddMinutes(3)), ct);
        await store.AppendAsync(raised.AlertId, AlertLedgerActions.Escalated, AlertLedgerActions.SystemActor, "step 1", T0.AddMinutes(4), ct);

        var events = await feed.ReadAsync(new FeedQuery(), ct);
        Assert.True(pulsed.IsCompleted);
        Assert.Null(await store.FindAsync(duplicate.AlertId, ct));
        Assert.Equal(["alert.raised", "alert.cleared", "alert.escalated"], events.Select(e => e.Type));
        Assert.Equal(events.Select(e => e.Cursor).Order(), events.Select(e => e.Cursor));
        Assert.All(events, e => Assert.Equal((1, "gp-001", "d-east"), (e.SchemaVersion, e.AssetId, e.RegionId)));
        Assert.All(events, e => Assert.Equal(raised.AlertId, e.Payload.GetProperty("alert").GetProperty("alertId").GetString()));
        Assert.Equal("back to normal", events[1].Payload.GetProperty("note").GetString());
        Assert.False(events[1].Payload.GetProperty("alert").GetProperty("conditionActive").GetBoolean());
        Assert.Equal(T0.AddMinutes(3), events[1].OccurredAt);

        var after = await feed.ReadAsync(new FeedQuery(After: events[0].Cursor, Types: ["alert.escalated"]), ct);
        var otherRegion = await feed.ReadAsync(new FeedQuery(RegionId: "d-west"), ct);
        Assert.Equal("alert.escalated", Assert.Single(after).Type);
        Assert.Empty(otherRegion);
    }

    [Fact]
    public async Task A_later_writer_waits_for_an_earlier_uncommitted_one_so_a_reader_never_sees_a_cursor_before_a_lower_one()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);
        var store = new PostgresAlertStore(db);
        var feed = new PostgresFeedStore(db, new FeedSignal());

        await using var held = await db.OpenConnectionAsync(ct);
        await using var transaction = await held.BeginTransactionAsync(ct);
        var first = await PostgresFeedStore.AppendAsync(held, transaction, "test.held", 1, T0, null, null, "{}", ct);
        var later = store.RecordAsync(
            new AlertRecord(null, PostgresAlertStoreTests.Alert("gp-002", "ch4_lel.high"), AlertLedgerActions.Raised, AlertLedgerActions.SystemActor, null, T0), ct);
        await Task.Delay(500, ct);

        Assert.False(later.IsCompleted); // blocked on the feed's append lock, with no cursor drawn yet
        Assert.Empty(await feed.ReadAsync(new FeedQuery(), ct));

        await transaction.CommitAsync(ct);
        await later.WaitAsync(TimeSpan.FromSeconds(10), ct);
        var events = await feed.ReadAsync(new FeedQuery(), ct);
        Assert.Equal(["test.held", "alert.raised"], events.Select(e => e.Type));
        Assert.Equal(first, events[0].Cursor);
        Assert.True(events[1].Cursor > first);
    }

    [Fact]
    public async Task Under_concurrent_writers_a_reader_following_the_cursor_sees_every_event_once_in_order()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);
        var store = new PostgresAlertStore(db);
        var feed = new PostgresFeedStore(db, new FeedSignal());
        const int Writers = 8, AlertsEach = 25;

        var writing = Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < AlertsEach; i++)
            {
                var alert = PostgresAlertStoreTests.Alert($"gp-{w}-{i}", "ch4_lel.high");
                await store.RecordAsync(new AlertRecord(null, alert, AlertLedgerActions.Raised, AlertLedgerActions.SystemActor, null, T0), ct);
            }
        }, ct)));
        var seen = new List<long>();
        var cursor = 0L;
        while (true)
        {
            var done = writing.IsCompleted;
            var page = await feed.ReadAsync(new FeedQuery(cursor, 7), ct);
            seen.AddRange(page.Select(e => e.Cursor));
            cursor = page.Count > 0 ? page[^1].Cursor : cursor;
            if (done && page.Count == 0)
            {
                break;
            }
        }

        await writing;
        var all = await feed.ReadAsync(new FeedQuery(Limit: 10_000), ct);
        Assert.Equal(Writers * AlertsEach, all.Count);
        Assert.Equal(all.Select(e => e.Cursor), seen); // nothing skipped, nothing twice, in cursor order
    }
}
