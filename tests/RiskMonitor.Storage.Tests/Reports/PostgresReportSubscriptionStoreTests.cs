using Npgsql;
using RiskMonitor.Domain.Reports;
using RiskMonitor.Storage.Reports;
using RiskMonitor.Storage.Responsibility;
using RiskMonitor.Storage.Tests.Postgres;

namespace RiskMonitor.Storage.Tests.Reports;

/// <summary>The report subscriptions in PostgreSQL (migration 0061): versioned writes, retirement, every change in registry_changes.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresReportSubscriptionStoreTests(PostgresFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_subscription_is_created_once_changed_by_version_retired_and_every_change_kept()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var dataSource = await fixture.NewMigratedDatabaseAsync(ct);
        var store = new PostgresReportSubscriptionStore(dataSource);
        var subscription = new ReportSubscription("west-monthly", CircularPeriod.Monthly, "王芳", "wang.fang@city.example", ["d-west"], T0);

        var created = await store.SaveAsync(subscription, null, "zhang.min", T0, ct);
        var twice = await store.SaveAsync(subscription, null, "li.na", T0, ct);
        var stale = await store.SaveAsync(subscription with { Period = CircularPeriod.Weekly }, 7, "li.na", T0, ct);
        var unknown = await store.SaveAsync(subscription with { Id = "nobody" }, 1, "li.na", T0, ct);
        var retired = await store.SaveAsync(subscription with { Retired = true, CreatedAt = T0.AddDays(3) }, 1, "li.na", T0.AddDays(3), ct);
        var found = await store.FindAsync("west-monthly", ct);

        Assert.Equal(
            [RegistryWriteOutcome.Saved, RegistryWriteOutcome.Exists, RegistryWriteOutcome.VersionConflict, RegistryWriteOutcome.Unknown, RegistryWriteOutcome.Saved],
            new[] { created, twice, stale, unknown, retired }.Select(w => w.Outcome));
        Assert.NotNull(found);
        Assert.Equal((2, true, T0, CircularPeriod.Monthly), (found.Version, found.Retired, found.CreatedAt, found.Period)); // made when it was made
        Assert.Equal(["d-west"], found.Regions);
        Assert.Equal(["west-monthly"], (await store.ListAsync(ct)).Select(s => s.Id));
        await using var changes = dataSource.CreateCommand(
            "SELECT version, actor FROM registry_changes WHERE entity = 'report_subscription' AND entity_id = 'west-monthly' ORDER BY version");
        var rows = new List<(int, string)>();
        await using var reader = await changes.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add((reader.GetInt32(0), reader.GetString(1)));
        }

        Assert.Equal([(1, "zhang.min"), (2, "li.na")], rows);
        await using var delete = dataSource.CreateCommand("DELETE FROM report_subscriptions");
        await Assert.ThrowsAsync<PostgresException>(() => delete.ExecuteNonQueryAsync(ct)); // retired, never deleted
    }

    [Fact]
    public async Task A_handover_subscription_keeps_its_kind_and_has_no_period()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var dataSource = await fixture.NewMigratedDatabaseAsync(ct);
        var store = new PostgresReportSubscriptionStore(dataSource);
        var handover = new ReportSubscription("city-handover", null, "张敏", "zhang.min@city.example", [], T0) { Report = ReportKind.Handover };

        Assert.Equal(RegistryWriteOutcome.Saved, (await store.SaveAsync(handover, null, "zhang.min", T0, ct)).Outcome);
        var found = await store.FindAsync("city-handover", ct);

        Assert.NotNull(found);
        Assert.Equal((ReportKind.Handover, (CircularPeriod?)null, 1), (found.Report, found.Period, found.Version));
    }
}
