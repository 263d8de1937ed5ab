using Npgsql;
using RiskMonitor.Domain.Integration;
using RiskMonitor.Storage.Integration;
using RiskMonitor.Storage.Tests.Postgres;

namespace RiskMonitor.Storage.Tests.Integration;

[Collection(PostgresCollection.Name)]
public sealed class PostgresIntegrationStoresTests(PostgresFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_key_is_found_by_its_hash_only_until_it_is_revoked_and_revoked_keys_stay_listed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);
        var store = new PostgresApiKeyStore(db);
        var key = ApiKeyMaterial.NewKey();
        var record = new ApiKeyRecord("key_1", "city-platform", [ApiScopes.FeedRead, ApiScopes.WebhooksManage], T0, "admin", null);

        await store.CreateAsync(record, ApiKeyMaterial.Hash(key), ct);

        var found = await store.FindActiveAsync(ApiKeyMaterial.Hash(key), ct);
        Assert.NotNull(found);
        Assert.Equal(record.Scopes, found.Scopes);
        Assert.Null(await store.FindActiveAsync(ApiKeyMaterial.Hash(key + "x"), ct));
        Assert.True(await store.RevokeAsync("key_1", T0.AddDays(1), ct));
        Assert.False(await store.RevokeAsync("key_1", T0.AddDays(2), ct));
        Assert.Null(await store.FindActiveAsync(ApiKeyMaterial.Hash(key), ct));
        Assert.Equal(T0.AddDays(1), Assert.Single(await store.ListAsync(ct)).RevokedAt);
        await Assert.ThrowsAsync<PostgresException>(() => Execute(db, "DELETE FROM api_keys", ct)); // revoked, never deleted
    }

    [Fact]
    public async Task A_subscription_cursor_only_moves_forward_its_health_is_kept_and_a_deleted_one_is_no_longer_listed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);
        var store = new PostgresWebhookStore(db);
        var subscription = new WebhookSubscription(
            "wh_1", "city-platform", new Uri("https://city.example/hook"), "whsec_x", ["alert.raised"], "d-west", T0, 5, WebhookHealth.Healthy, null);
        await store.CreateAsync(subscription, ct);
        var failing = WebhookHealth.Healthy.Failed(T0, TimeSpan.Zero, "HTTP 503");

        await store.AdvanceAsync("wh_1", 9, T0.AddMinutes(1), WebhookHealth.Healthy, ct);
        await store.AdvanceAsync("wh_1", 7, T0.AddMinutes(2), WebhookHealth.Healthy, ct);
        await store.RecordHealthAsync("wh_1", failing, ct);

        var stored = await store.FindAsync("wh_1", ct);
        Assert.NotNull(stored);
        Assert.Equal(9, stored.Cursor);
        Assert.Equal(failing, stored.Health);
        Assert.Equal(WebhookState.Failing, stored.Health.State);
        Assert.Equal(["alert.raised"], stored.Types);
        Assert.Equal(("d-west", "whsec_x"), (stored.RegionId, stored.Secret));
        Assert.Single(await store.ListAsync("city-platform", ct));
        Assert.Empty(await store.ListAsync("someone-else", ct));

        Assert.True(await store.DeleteAsync("wh_1", T0.AddHours(1), ct));

        Assert.False(await store.DeleteAsync("wh_1", T0.AddHours(2), ct));
        Assert.Null(await store.FindAsync("wh_1", ct));
        Assert.Empty(await store.ListAsync(null, ct));
    }

    private static async Task Execute(NpgsqlDataSource db, string sql, CancellationToken ct)
    {
        await using var command = db.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(ct);
    }
}
