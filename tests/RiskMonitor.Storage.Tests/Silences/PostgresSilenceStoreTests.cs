using Npgsql;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Storage.Feed;
using RiskMonitor.Storage.Silences;
using RiskMonitor.Storage.Tests.Postgres;

namespace RiskMonitor.Storage.Tests.Silences;

[Collection(PostgresCollection.Name)]
public sealed class PostgresSilenceStoreTests(PostgresFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static Silence New(string id, SilenceScope scope, string target, double startMinutes, double endMinutes) =>
        new(id, scope, target, T0.AddMinutes(startMinutes), T0.AddMinutes(endMinutes), "王工", "valve replacement, order 42", T0);

    [Fact]
    public async Task Silences_are_created_listed_while_pending_and_expired_once_with_ledger_lines_and_feed_events()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);
        var store = new PostgresSilenceStore(db, new FeedSignal());
        var feed = new PostgresFeedStore(db, new FeedSignal());
        var asset = New("sil-a", SilenceScope.Asset, "gp-001", 0, 60);
        var region = New("sil-r", SilenceScope.Region, "d-west", 30, 90);

        await store.CreateAsync(asset, ct);
        await store.CreateAsync(region, ct);
        var pendingAtStart = await store.ListAsync(T0.AddMinutes(1), cancellationToken: ct);
        var (outcome, expired) = await store.ExpireAsync("sil-a", "李主任", "work finished early", T0.AddMinutes(20), ct);
        var again = await store.ExpireAsync("sil-a", "李主任", null, T0.AddMinutes(21), ct);
        var unknown = await store.ExpireAsync("sil-x", "李主任", null, T0.AddMinutes(21), ct);
        var pendingLater = await store.ListAsync(T0.AddMinutes(25), cancellationToken: ct);
        var all = await store.ListAsync(T0.AddMinutes(25), includeEnded: true, ct);

        Assert.Equal(["sil-a", "sil-r"], pendingAtStart.Select(s => s.SilenceId).Order(StringComparer.Ordinal));
        Assert.Equal(SilenceExpiry.Expired, outcome);
        Assert.Equal((T0.AddMinutes(20), "李主任"), (expired!.ExpiredAt, expired.ExpiredBy));
        Assert.Equal(SilenceExpiry.AlreadyOver, again.Outcome);
        Assert.Equal(SilenceExpiry.Unknown, unknown.Outcome);
        Assert.Equal(["sil-r"], pendingLater.Select(s => s.SilenceId));
        Assert.Equal(2, all.Count);
        var found = await store.FindAsync("sil-a", ct);
        Assert.Equal(asset with { ExpiredAt = T0.AddMinutes(20), ExpiredBy = "李主任" }, found);

        var events = await feed.ReadAsync(new FeedQuery(), ct);
        Assert.Equal(["silence.created", "silence.created", "silence.expired"], events.Select(e => e.Type));
        Assert.Equal("gp-001", events[0].AssetId);
        Assert.Equal("d-west", events[1].RegionId);
        Assert.Equal("work finished early", events[2].Payload.GetProperty("note").GetString());

        await using var count = db.CreateCommand("SELECT action FROM silence_ledger ORDER BY entry_id");
        var actions = new List<string>();
        await using (var reader = await count.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                actions.Add(reader.GetString(0));
            }
        }

        Assert.Equal(["created", "created", "expired"], actions);
    }

    [Fact]
    public async Task A_silence_is_never_deleted_nor_rewritten_and_its_ledger_is_append_only()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);
        var store = new PostgresSilenceStore(db);
        await store.CreateAsync(New("sil-1", SilenceScope.Kind, "elevator", 0, 60), ct);

        foreach (var sql in new[]
                 {
                     "DELETE FROM silences", "UPDATE silences SET ends_at = ends_at + interval '1 day'", "DELETE FROM silence_ledger",
                     "UPDATE silence_ledger SET actor = 'x'",
                 })
        {
            await using var command = db.CreateCommand(sql);
            await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync(ct));
        }

        Assert.NotNull(await store.FindAsync("sil-1", ct));
    }
}
