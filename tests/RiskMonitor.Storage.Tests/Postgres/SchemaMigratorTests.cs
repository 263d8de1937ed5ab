using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using RiskMonitor.Storage.Postgres;

namespace RiskMonitor.Storage.Tests.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class SchemaMigratorTests(PostgresFixture fixture)
{
    [Fact]
    public void Migrations_are_numbered_from_one_in_strictly_rising_order()
    {
        var versions = SchemaMigrator.All.Select(m => m.Version).ToList();

        // Gaps are allowed: parallel branches reserve their migration numbers ahead of the merge (e.g. 0016 before 0013).
        Assert.NotEmpty(versions);
        Assert.Equal(1, versions[0]);
        Assert.All(versions.Zip(versions.Skip(1)), pair => Assert.True(pair.Second > pair.First, $"{pair.First} then {pair.Second}"));
    }

    [Fact]
    public async Task A_fresh_database_gets_every_migration_in_order_and_a_second_run_applies_none()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewDatabaseAsync(ct);
        var migrator = new SchemaMigrator(db, NullLogger<SchemaMigrator>.Instance);

        var first = await migrator.MigrateAsync(ct);
        var second = await migrator.MigrateAsync(ct);

        Assert.Equal(SchemaMigrator.All.Select(m => m.Version), first);
        Assert.Empty(second);
        var recorded = await ScalarAsync<long>(db, "SELECT count(*) FROM schema_migrations", ct);
        Assert.Equal(SchemaMigrator.All.Count, recorded);
    }

    [Fact]
    public async Task Servers_starting_at_once_apply_each_migration_exactly_once()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewDatabaseAsync(ct);

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            Task.Run(() => new SchemaMigrator(db, NullLogger<SchemaMigrator>.Instance).MigrateAsync(ct), ct)));

        Assert.Equal(SchemaMigrator.All.Select(m => m.Version), runs.SelectMany(r => r).Order());
        Assert.Equal(SchemaMigrator.All.Count, await ScalarAsync<long>(db, "SELECT count(*) FROM schema_migrations", ct));
    }

    [Fact]
    public async Task The_orleans_tables_carry_the_queries_the_10_4_2_providers_ask_for()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);

        var keys = new List<string>();
        await using (var command = db.CreateCommand("SELECT querykey FROM orleansquery"))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                keys.Add(reader.GetString(0));
            }
        }

        Assert.Superset(
            new HashSet<string>
            {
                "WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey",
                "UpsertReminderRowKey", "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
                "DeleteReminderRowKey", "DeleteReminderRowsKey", "MembershipReadAllKey", "InsertMembershipKey",
            },
            keys.ToHashSet());
    }

    [Fact]
    public async Task A_migration_that_fails_leaves_nothing_half_applied()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewDatabaseAsync(ct);
        // A table one migration creates already exists, so that migration fails inside its transaction.
        await using (var command = db.CreateCommand("CREATE TABLE alert_ledger (x int)"))
        {
            await command.ExecuteNonQueryAsync(ct);
        }

        await Assert.ThrowsAsync<PostgresException>(() => new SchemaMigrator(db, NullLogger<SchemaMigrator>.Instance).MigrateAsync(ct));

        var failing = SchemaMigrator.All.First(m => m.Sql.Contains("CREATE TABLE alert_ledger", StringComparison.Ordinal)).Version;
        Assert.Equal(failing - 1, await ScalarAsync<int>(db, "SELECT coalesce(max(version), 0) FROM schema_migrations", ct));
        Assert.Equal(0, await ScalarAsync<long>(db, "SELECT count(*) FROM pg_tables WHERE tablename = 'alerts'", ct));
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource db, string sql, CancellationToken ct)
    {
        await using var command = db.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }
}
