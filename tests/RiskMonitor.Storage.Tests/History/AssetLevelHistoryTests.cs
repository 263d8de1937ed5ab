using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using RiskMonitor.Domain;
using RiskMonitor.Storage.History;
using RiskMonitor.Storage.Tests.Postgres;

namespace RiskMonitor.Storage.Tests.History;

public sealed class InMemoryAssetLevelHistoryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_level_at_a_moment_is_the_last_change_at_or_before_it()
    {
        var history = new InMemoryAssetLevelHistory();
        history.Record(Change("gp-1", WarningLevel.Yellow, T0));
        history.Record(Change("gp-1", WarningLevel.Red, T0.AddMinutes(5)));
        history.Record(Change("gp-1", WarningLevel.None, T0.AddMinutes(9)));
        history.Record(Change("el-1", WarningLevel.Orange, T0.AddMinutes(6)));

        var before = await history.LevelsAtAsync(T0.AddSeconds(-1), TestContext.Current.CancellationToken);
        var atFive = await history.LevelsAtAsync(T0.AddMinutes(5), TestContext.Current.CancellationToken);
        var atSeven = await history.LevelsAtAsync(T0.AddMinutes(7), TestContext.Current.CancellationToken);
        var later = await history.LevelsAtAsync(T0.AddHours(1), TestContext.Current.CancellationToken);

        Assert.Empty(before.Levels);
        Assert.Equal(new Dictionary<string, WarningLevel> { ["gp-1"] = WarningLevel.Red }, atFive.Levels);
        Assert.Equal(new Dictionary<string, WarningLevel> { ["gp-1"] = WarningLevel.Red, ["el-1"] = WarningLevel.Orange }, atSeven.Levels);
        Assert.Equal(new Dictionary<string, WarningLevel> { ["gp-1"] = WarningLevel.None, ["el-1"] = WarningLevel.Orange }, later.Levels);
        Assert.True(later.Complete);
    }

    [Fact]
    public async Task When_full_the_oldest_changes_go_and_only_moments_before_them_are_incomplete()
    {
        var history = new InMemoryAssetLevelHistory(capacity: 3);
        history.Record(Change("gp-1", WarningLevel.Red, T0));
        history.Record(Change("gp-2", WarningLevel.Yellow, T0.AddMinutes(1)));
        history.Record(Change("gp-2", WarningLevel.Orange, T0.AddMinutes(2)));
        history.Record(Change("gp-3", WarningLevel.Blue, T0.AddMinutes(3))); // evicts gp-1's red at T0

        var early = await history.LevelsAtAsync(T0.AddSeconds(-1), TestContext.Current.CancellationToken);
        var now = await history.LevelsAtAsync(T0.AddMinutes(10), TestContext.Current.CancellationToken);

        Assert.False(early.Complete);
        Assert.True(now.Complete);
        // gp-1 never changed again, so its evicted change still answers every later moment.
        Assert.Equal(new Dictionary<string, WarningLevel> { ["gp-1"] = WarningLevel.Red, ["gp-2"] = WarningLevel.Orange, ["gp-3"] = WarningLevel.Blue }, now.Levels);
        Assert.Equal(4, history.GetStats().Recorded);
    }

    internal static AssetLevelChange Change(string assetId, WarningLevel level, DateTimeOffset at) =>
        new(assetId, level, RiskLevels.ColourOf(RiskColour.Blue, level), at);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresAssetLevelHistoryTests(PostgresFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Changes_are_written_in_batches_and_the_levels_at_a_past_moment_come_back()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);
        var history = new PostgresAssetLevelHistory(db, Options.Create(new LevelHistoryOptions { BatchSize = 7 }), TimeProvider.System, NullLogger<PostgresAssetLevelHistory>.Instance);
        await history.StartAsync(ct);
        var expectedAtHalf = new Dictionary<string, WarningLevel>();
        var levels = Enum.GetValues<WarningLevel>();
        for (var i = 0; i < 100; i++)
        {
            var change = InMemoryAssetLevelHistoryTests.Change($"gp-{i % 10}", levels[i % levels.Length], T0.AddSeconds(i));
            Assert.True(history.Record(change));
            if (i < 50)
            {
                expectedAtHalf[change.AssetId] = change.Level;
            }
        }

        var atHalf = await history.LevelsAtAsync(T0.AddSeconds(49.5), ct);
        var stats = history.GetStats();
        await history.StopAsync(ct);

        Assert.Equal(expectedAtHalf, atHalf.Levels);
        Assert.True(atHalf.Complete);
        Assert.Equal((100L, 100L, 0L, 0L), (stats.Recorded, stats.Written, stats.Dropped, stats.Pending));
        await using var count = db.CreateCommand("SELECT count(*) FROM asset_level_changes");
        await using var reader = await count.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        Assert.Equal(100L, reader.GetInt64(0));
    }

    [Fact]
    public async Task The_table_is_append_only()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);
        await using var insert = db.CreateCommand("INSERT INTO asset_level_changes (asset_id, changed_at, level, colour) VALUES ('gp-1', now(), 'red', 'red')");
        await insert.ExecuteNonQueryAsync(ct);

        await using var delete = db.CreateCommand("DELETE FROM asset_level_changes");
        await Assert.ThrowsAsync<PostgresException>(() => delete.ExecuteNonQueryAsync(ct));
    }

    [Fact]
    public async Task A_full_queue_drops_and_counts_instead_of_waiting_and_marks_later_snapshots_incomplete()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);
        // Not started: nothing drains the queue, as when PostgreSQL is down for long.
        var history = new PostgresAssetLevelHistory(db, Options.Create(new LevelHistoryOptions { QueueCapacity = 2 }), TimeProvider.System, NullLogger<PostgresAssetLevelHistory>.Instance);

        var accepted = Enumerable.Range(0, 5).Select(i => history.Record(InMemoryAssetLevelHistoryTests.Change("gp-1", WarningLevel.Red, T0.AddSeconds(i)))).ToList();

        Assert.Equal([true, true, false, false, false], accepted);
        Assert.Equal(3, history.GetStats().Dropped);
        await history.StartAsync(ct);
        var before = await history.LevelsAtAsync(T0.AddSeconds(1), ct);
        var after = await history.LevelsAtAsync(T0.AddSeconds(3), ct);
        await history.StopAsync(ct);
        Assert.True(before.Complete);
        Assert.False(after.Complete);
    }
}
