using RiskMonitor.Domain.Escalation;
using RiskMonitor.Storage.Duty;
using RiskMonitor.Storage.Tests.Postgres;

namespace RiskMonitor.Storage.Tests.Duty;

[Collection(PostgresCollection.Name)]
public sealed class PostgresDutyRosterTests(PostgresFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);

    private static DutyShift Shift(int fromHour, int toHour, string officer) =>
        new(0, T0.AddHours(fromHour), T0.AddHours(toHour), officer, "139", "赵领导", null);

    [Fact]
    public async Task Shifts_cover_the_day_without_overlap_and_a_cancelled_one_frees_its_time()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);
        var roster = new PostgresDutyRoster(db);

        var day = await roster.AddAsync(Shift(0, 12, "张"), "admin", ct);
        var night = await roster.AddAsync(Shift(12, 24, "王"), "admin", ct);
        var overlapping = await roster.AddAsync(Shift(11, 13, "李"), "admin", ct);
        var onDutyAt13 = await roster.OnDutyAsync(T0.AddHours(13), ct);
        var cancelled = await roster.CancelAsync(night!.ShiftId, "admin", T0, ct);
        var replacement = await roster.AddAsync(Shift(12, 24, "李"), "admin", ct);
        var list = await roster.ListAsync(T0, T0.AddDays(1), ct);

        Assert.NotNull(day);
        Assert.Null(overlapping);
        Assert.Equal("王", onDutyAt13!.Officer);
        Assert.True(cancelled);
        Assert.Equal(["张", "李"], list.Select(s => s.Officer));
        Assert.Equal(replacement, list[1]);
        Assert.Null(await roster.OnDutyAsync(T0.AddDays(2), ct));
        await Assert.ThrowsAsync<ArgumentException>(() => roster.AddAsync(Shift(0, 30, "x"), "admin", ct));
    }
}
