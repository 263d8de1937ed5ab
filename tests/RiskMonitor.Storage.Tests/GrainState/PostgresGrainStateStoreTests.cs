using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using RiskMonitor.Storage.GrainState;
using RiskMonitor.Storage.Tests.Alerts.Journal;
using RiskMonitor.Storage.Tests.Postgres;

namespace RiskMonitor.Storage.Tests.GrainState;

[Collection(PostgresCollection.Name)]
public sealed class PostgresGrainStateStoreTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Writes_of_many_grains_in_any_interleaving_each_land_once_and_each_grain_ends_at_its_last_write()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);
        await using var store = NewStore(db.ConnectionString);
        const int grains = 300;
        const int writesPerGrain = 7;
        var random = new Random(17);

        // Each grain writes its states in order, as a grain's write-behind does (one in flight); the grains run
        // concurrently with random pauses, so batches mix grains and catch some grains at different writes.
        var lastVersion = new long[grains];
        await Task.WhenAll(Enumerable.Range(0, grains).Select(async g =>
        {
            var delays = Enumerable.Range(0, writesPerGrain).Select(_ => random.Next(0, 3)).ToArray();
            long? version = null;
            for (var w = 0; w < writesPerGrain; w++)
            {
                await Task.Delay(delays[w], ct);
                version = await store.WriteAsync($"asset/gp-{g}", "asset", version, Payload(g, w));
            }

            lastVersion[g] = version!.Value;
        }));

        Assert.All(lastVersion, v => Assert.Equal(writesPerGrain, v));
        for (var g = 0; g < grains; g++)
        {
            var stored = await store.ReadAsync($"asset/gp-{g}", "asset", ct);
            Assert.NotNull(stored);
            Assert.Equal(writesPerGrain, stored.Version);
            Assert.Equal($"gp-{g} write {writesPerGrain - 1}", Encoding.UTF8.GetString(stored.Payload.Span));
        }

        await using var batches = db.CreateCommand("SELECT count(*) FROM grain_state");
        Assert.Equal((long)grains, await batches.ExecuteScalarAsync(ct));
    }

    [Fact]
    public async Task A_write_over_a_version_that_has_moved_is_refused_and_changes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);
        await using var store = NewStore(db.ConnectionString);
        var first = await store.WriteAsync("region/g-1", "region", null, Payload(1, 0));
        var second = await store.WriteAsync("region/g-1", "region", first, Payload(1, 1));

        // A second activation that read the first version, and one that thinks there is nothing stored.
        await Assert.ThrowsAsync<GrainStateConflictException>(() => store.WriteAsync("region/g-1", "region", first, Payload(9, 9)));
        await Assert.ThrowsAsync<GrainStateConflictException>(() => store.WriteAsync("region/g-1", "region", null, Payload(9, 9)));
        // The same grain's two writes in one batch: the first lands, the second is then a conflict too, not a crash.
        var racing = await Task.WhenAll(
            Attempt(store.WriteAsync("region/g-2", "region", null, Payload(2, 0))),
            Attempt(store.WriteAsync("region/g-2", "region", null, Payload(2, 1))));

        var stored = await store.ReadAsync("region/g-1", "region", ct);
        Assert.Equal((2L, "gp-1 write 1"), (stored!.Version, Encoding.UTF8.GetString(stored.Payload.Span)));
        Assert.Equal(2, second);
        Assert.Equal(1, racing.Count(r => r == "landed"));
        Assert.Equal(1, racing.Count(r => r == "conflict"));
    }

    [Fact]
    public async Task A_cleared_state_is_gone_and_a_clear_over_a_moved_version_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);
        await using var store = NewStore(db.ConnectionString);
        var version = await store.WriteAsync("asset/el-1", "asset", null, Payload(1, 0));
        var moved = await store.WriteAsync("asset/el-1", "asset", version, Payload(1, 1));

        await Assert.ThrowsAsync<GrainStateConflictException>(() => store.ClearAsync("asset/el-1", "asset", version, ct));
        Assert.NotNull(await store.ReadAsync("asset/el-1", "asset", ct));
        await store.ClearAsync("asset/el-1", "asset", moved, ct);

        Assert.Null(await store.ReadAsync("asset/el-1", "asset", ct));
        Assert.Equal(1, await store.WriteAsync("asset/el-1", "asset", null, Payload(1, 2)));
    }

    [Fact]
    public async Task While_PostgreSQL_is_down_writes_fail_and_the_next_ones_land_when_it_is_back()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);
        // A database that does not exist stands for a server that refuses: the failure path without stopping the
        // fixture's shared server.
        var unreachable = new Npgsql.NpgsqlConnectionStringBuilder(db.ConnectionString) { Database = "rm_no_such_database" }.ConnectionString;
        await using (var down = NewStore(unreachable))
        {
            await Assert.ThrowsAsync<Npgsql.PostgresException>(() => down.WriteAsync("asset/gp-1", "asset", null, Payload(1, 0)));
        }

        await using var store = NewStore(db.ConnectionString);
        Assert.Equal(1, await store.WriteAsync("asset/gp-1", "asset", null, Payload(1, 0)));
    }

    private static PostgresGrainStateStore NewStore(string connectionString) =>
        new(connectionString, new TestMeterFactory(), NullLogger<PostgresGrainStateStore>.Instance);

    private static byte[] Payload(int grain, int write) => Encoding.UTF8.GetBytes($"gp-{grain} write {write}");

    private static async Task<string> Attempt(Task<long> write)
    {
        try
        {
            await write;
            return "landed";
        }
        catch (GrainStateConflictException)
        {
            return "conflict";
        }
    }
}
