using Npgsql;
using RiskMonitor.Contracts.Devices;
using RiskMonitor.Storage.Devices;
using RiskMonitor.Storage.Tests.Postgres;

namespace RiskMonitor.Storage.Tests.Devices;

/// <summary>The same contract in PostgreSQL and in memory: create once, revoke once, rotate only while not revoked.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DeviceCredentialStoreTests(PostgresFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static DeviceCredential Gateway(string id) =>
        new(id, "pbkdf2-sha256$1000$AAAA$BBBB", ["gp-0001", "gp-0002"], "东区网关", T0, "admin-key");

    [Fact]
    public async Task Postgres_keeps_the_contract()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);

        await Contract(new PostgresDeviceCredentialStore(db), ct);
    }

    [Fact]
    public async Task The_in_memory_twin_keeps_the_same_contract()
    {
        await Contract(new InMemoryDeviceCredentialStore(), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Credentials_are_never_deleted_from_postgres()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);
        var store = new PostgresDeviceCredentialStore(db);
        await store.TryCreateAsync(Gateway("gw-keep"), ct);

        await using var delete = db.CreateCommand("DELETE FROM device_credentials WHERE device_id = 'gw-keep'");

        await Assert.ThrowsAsync<PostgresException>(() => delete.ExecuteNonQueryAsync(ct));
        Assert.NotNull(await store.FindAsync("gw-keep", ct));
    }

    private static async Task Contract(IDeviceCredentialStore store, CancellationToken ct)
    {
        var created = await store.TryCreateAsync(Gateway("gw-01"), ct);
        var duplicate = await store.TryCreateAsync(Gateway("gw-01") with { PasswordHash = "other" }, ct);
        await store.TryCreateAsync(Gateway("gw-00"), ct);

        Assert.True(created);
        Assert.False(duplicate);
        var found = await store.FindAsync("gw-01", ct);
        Assert.NotNull(found);
        Assert.Equal("pbkdf2-sha256$1000$AAAA$BBBB", found.PasswordHash);
        Assert.Equal(["gp-0001", "gp-0002"], found.Assets);
        Assert.Equal("东区网关", found.Description);
        Assert.Equal(T0, found.CreatedAt);
        Assert.False(found.IsRevoked);
        Assert.Null(await store.FindAsync("gw-99", ct));
        Assert.Equal(["gw-00", "gw-01"], (await store.ListAsync(ct)).Select(c => c.DeviceId));

        var rotated = await store.RotateAsync("gw-01", "new-hash", T0.AddHours(1), ct);
        Assert.Equal(("new-hash", (DateTimeOffset?)T0.AddHours(1)), (rotated!.PasswordHash, rotated.RotatedAt));

        var revoked = await store.RevokeAsync("gw-01", "ops.li", T0.AddHours(2), ct);
        var again = await store.RevokeAsync("gw-01", "ops.wang", T0.AddHours(3), ct);
        Assert.Equal(("ops.li", (DateTimeOffset?)T0.AddHours(2)), (revoked!.RevokedBy, revoked.RevokedAt));
        Assert.Equal(("ops.li", (DateTimeOffset?)T0.AddHours(2)), (again!.RevokedBy, again.RevokedAt)); // the first revocation stays
        Assert.Null(await store.RotateAsync("gw-01", "sneaky", T0.AddHours(4), ct));
        Assert.Equal("new-hash", (await store.FindAsync("gw-01", ct))!.PasswordHash);
        Assert.Null(await store.RevokeAsync("gw-99", "ops.li", T0, ct));
        Assert.False(await store.TryCreateAsync(Gateway("gw-01"), ct)); // a revoked id is not reused
    }
}
