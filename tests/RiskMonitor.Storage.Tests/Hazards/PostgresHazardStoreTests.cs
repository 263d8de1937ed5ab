using RiskMonitor.Domain.Hazards;
using RiskMonitor.Storage.Hazards;
using RiskMonitor.Storage.Tests.Postgres;

namespace RiskMonitor.Storage.Tests.Hazards;

[Collection(PostgresCollection.Name)]
public sealed class PostgresHazardStoreTests(PostgresFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static Hazard Reported(string id) => new(
        id, HazardLevel.Major, HazardSource.TipLine, HazardStatus.Reported, "储罐区可燃气体报警器失效", null, "grid-1", "hazardous_chemicals",
        "东港路 12 号", null, null, null, null, "12350", T0, T0);

    [Fact]
    public async Task Steps_are_recorded_with_the_ledger_and_a_stale_step_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);
        var store = new PostgresHazardStore(db);
        var reported = Reported("HZ-1");
        var (assigned, _) = HazardWorkflow.Apply(reported, HazardStep.Assign, T0.AddHours(1), "东港化工", T0.AddDays(10), "市应急管理局");

        var created = await store.RecordAsync(null, reported, "reported", "12350", "caller: 138****", T0, ct);
        var duplicate = await store.RecordAsync(null, reported, "reported", "12350", null, T0, ct);
        var moved = await store.RecordAsync(reported, assigned!, "assigned", "zhang.min", null, T0.AddHours(1), ct);
        var stale = await store.RecordAsync(reported, assigned! with { ResponsibleUnit = "other" }, "assigned", "li.wei", null, T0.AddHours(1), ct);

        Assert.Equal((true, false, true, false), (created, duplicate, moved, stale));
        Assert.Equal(assigned, await store.FindAsync("HZ-1", ct));
        var history = await store.HistoryAsync("HZ-1", ct);
        Assert.Equal(["reported", "assigned"], history.Select(e => e.Action));
        Assert.Equal((HazardStatus?)HazardStatus.Reported, history[1].StatusBefore);
        Assert.Equal(reported, history[1].Before);
        Assert.True(history[1].After.ListedSupervision);
    }

    [Fact]
    public async Task Queries_filter_by_status_and_find_the_overdue_ones()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);
        var store = new PostgresHazardStore(db);
        var late = Reported("HZ-late") with { Status = HazardStatus.Rectifying, Deadline = T0.AddDays(1), ResponsibleUnit = "u" };
        var onTime = Reported("HZ-ok") with { Status = HazardStatus.Assigned, Deadline = T0.AddDays(30), ResponsibleUnit = "u" };
        var done = Reported("HZ-done") with { Status = HazardStatus.Verified, Deadline = T0.AddDays(1), ResponsibleUnit = "u" };
        foreach (var hazard in new[] { late, onTime, done })
        {
            await store.RecordAsync(null, hazard, "reported", "test", null, T0, ct);
        }

        var overdue = await store.QueryAsync(new HazardQuery(OverdueAt: T0.AddDays(2)), ct);
        var assigned = await store.QueryAsync(new HazardQuery(Status: HazardStatus.Assigned), ct);

        Assert.Equal(["HZ-late"], overdue.Select(h => h.HazardId));
        Assert.Equal(["HZ-ok"], assigned.Select(h => h.HazardId));
    }
}
