using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Storage.Alerts;
using RiskMonitor.Storage.Tests.Postgres;

namespace RiskMonitor.Storage.Tests.Alerts;

/// <summary>The KPI facts read back from the ledger, on PostgreSQL and on the in-memory twin, from the same known history.</summary>
[Collection(PostgresCollection.Name)]
public sealed class AlertKpiFactsTests(PostgresFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static async Task WriteKnownHistoryAsync(IAlertStore store, CancellationToken ct)
    {
        // a: red, acknowledged after 3 min, work started, resolved as a false alarm and closed after 40 min, escalated once.
        var a = PostgresAlertStoreTests.Alert("gp-001", "ch4_lel.high", T0) with { Severity = WarningLevel.Red };
        await store.RecordAsync(new AlertRecord(null, a, AlertLedgerActions.Raised, "system", null, T0), ct);
        await store.AppendAsync(a.AlertId, AlertLedgerActions.Escalated, "system", "step 1", T0.AddMinutes(2), ct);
        var acked = a with { State = AlertState.Acknowledged, UpdatedAt = T0.AddMinutes(3) };
        await store.RecordAsync(new AlertRecord(a, acked, AlertLedgerActions.Acknowledged, "li.wei", null, T0.AddMinutes(3)), ct);
        var started = acked with { State = AlertState.InProgress, UpdatedAt = T0.AddMinutes(4) };
        await store.RecordAsync(new AlertRecord(acked, started, AlertLedgerActions.WorkStarted, "li.wei", null, T0.AddMinutes(4)), ct);
        var resolved = started with { State = AlertState.Resolved, ConditionActive = false, Cause = "false_alarm", UpdatedAt = T0.AddMinutes(30) };
        await store.RecordAsync(new AlertRecord(started, resolved, AlertLedgerActions.Resolved, "li.wei", "cause: false_alarm", T0.AddMinutes(30)), ct);
        var closed = resolved with { State = AlertState.Closed, UpdatedAt = T0.AddMinutes(40) };
        await store.RecordAsync(new AlertRecord(resolved, closed, AlertLedgerActions.Closed, "zhang.min", "checked", T0.AddMinutes(40)), ct);

        // b: orange, work started without an acknowledgement after 6 min, still open.
        var b = PostgresAlertStoreTests.Alert("gp-002", "ch4_lel.high", T0.AddHours(1));
        await store.RecordAsync(new AlertRecord(null, b, AlertLedgerActions.Raised, "system", null, T0.AddHours(1)), ct);
        await store.RecordAsync(new AlertRecord(b, b with { State = AlertState.InProgress }, AlertLedgerActions.WorkStarted, "wang.fang", null, T0.AddHours(1).AddMinutes(6)), ct);

        // c: raised the day before: outside the period.
        var c = PostgresAlertStoreTests.Alert("gp-003", "ch4_lel.high", T0.AddDays(-1));
        await store.RecordAsync(new AlertRecord(null, c, AlertLedgerActions.Raised, "system", null, T0.AddDays(-1)), ct);
    }

    private static void AssertKnownFacts(IReadOnlyList<AlertFacts> facts)
    {
        Assert.Equal(2, facts.Count);
        Assert.Equal(
            new AlertFacts(AlertBook.NewAlertId("gp-001", "ch4_lel.high", T0), WarningLevel.Red, T0, T0.AddMinutes(3), T0.AddMinutes(40), "false_alarm", 1)
            {
                AssetId = "gp-001", // the asset and its region, for the circulars' rankings
                RegionId = "d-east",
            },
            facts[0]);
        Assert.Equal(
            new AlertFacts(AlertBook.NewAlertId("gp-002", "ch4_lel.high", T0.AddHours(1)), WarningLevel.Orange, T0.AddHours(1), T0.AddHours(1).AddMinutes(6), null, null, 0)
            {
                AssetId = "gp-002",
                RegionId = "d-east",
            },
            facts[1]);
    }

    [Fact]
    public async Task PostgreSQL_reads_first_acknowledgement_close_cause_and_escalations_of_the_period()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);
        var store = new PostgresAlertStore(db);
        await WriteKnownHistoryAsync(store, ct);

        AssertKnownFacts(await store.KpiFactsAsync(T0.AddHours(-1), T0.AddDays(1), ct));
    }

    [Fact]
    public async Task The_in_memory_twin_reads_the_same_facts()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new InMemoryAlertStore();
        await WriteKnownHistoryAsync(store, ct);

        AssertKnownFacts(await store.KpiFactsAsync(T0.AddHours(-1), T0.AddDays(1), ct));
    }
}
