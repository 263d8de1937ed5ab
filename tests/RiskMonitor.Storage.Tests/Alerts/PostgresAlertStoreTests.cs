using Npgsql;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Storage.Alerts;
using RiskMonitor.Storage.Tests.Postgres;

namespace RiskMonitor.Storage.Tests.Alerts;

[Collection(PostgresCollection.Name)]
public sealed class PostgresAlertStoreTests(PostgresFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Each_change_writes_the_state_and_one_ledger_line_with_before_and_after()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);
        var store = new PostgresAlertStore(db);
        var raised = Alert("gp-001", "ch4_lel.high");
        var acknowledged = raised with { State = AlertState.Acknowledged, UpdatedAt = T0.AddMinutes(2) };

        var first = await store.RecordAsync(new AlertRecord(null, raised, AlertLedgerActions.Raised, AlertLedgerActions.SystemActor, null, T0), ct);
        var second = await store.RecordAsync(new AlertRecord(raised, acknowledged, AlertLedgerActions.Acknowledged, "li.wei", "on my way", T0.AddMinutes(2)), ct);

        Assert.Equal((1, 2), (first, second));
        Assert.Equal(acknowledged, await store.FindAsync(raised.AlertId, ct));
        var history = await store.HistoryAsync(raised.AlertId, ct);
        Assert.Collection(
            history,
            e =>
            {
                Assert.Equal((1, "raised", "system", (AlertState?)null, AlertState.Open), (e.Sequence, e.Action, e.Actor, e.StateBefore, e.StateAfter));
                Assert.Null(e.Before);
                Assert.Equal(raised, e.After);
            },
            e =>
            {
                Assert.Equal((2, "acknowledged", "li.wei", "on my way"), (e.Sequence, e.Action, e.Actor, e.Note));
                Assert.Equal((AlertState?)AlertState.Open, e.StateBefore);
                Assert.Equal(AlertState.Acknowledged, e.StateAfter);
                Assert.Equal(raised, e.Before);
                Assert.Equal(acknowledged, e.After);
                Assert.Equal(T0.AddMinutes(2), e.At);
            });
    }

    [Fact]
    public async Task Closed_alerts_leave_the_open_list_but_stay_queryable()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);
        var store = new PostgresAlertStore(db);
        var open = Alert("gp-001", "ch4_lel.high") with { Severity = WarningLevel.Red };
        var other = Alert("gp-002", "ch4_lel.high", T0.AddMinutes(1));
        var closed = other with { State = AlertState.Closed, ConditionActive = false, Cause = "false_alarm" };
        await store.RecordAsync(new AlertRecord(null, open, "raised", "system", null, T0), ct);
        await store.RecordAsync(new AlertRecord(null, other, "raised", "system", null, T0.AddMinutes(1)), ct);
        await store.RecordAsync(new AlertRecord(other, closed, "closed", "zhang.min", "checked", T0.AddMinutes(9)), ct);

        var notClosed = await store.LoadNotClosedAsync(null, ct);
        var ofAsset = await store.LoadNotClosedAsync("gp-002", ct);
        var closedOnes = await store.QueryAsync(new AlertQuery(State: AlertState.Closed), ct);
        var redOnes = await store.QueryAsync(new AlertQuery(MinSeverity: WarningLevel.Red), ct);
        var all = await store.QueryAsync(new AlertQuery(), ct);

        Assert.Equal([open], notClosed);
        Assert.Empty(ofAsset);
        Assert.Equal(1, closedOnes.Total);
        Assert.Equal("false_alarm", Assert.Single(closedOnes.Items).Cause);
        Assert.Equal(open.AlertId, Assert.Single(redOnes.Items).AlertId);
        Assert.Equal([closed.AlertId, open.AlertId], all.Items.Select(a => a.AlertId)); // newest first
    }

    [Fact]
    public async Task Raised_for_assets_reads_the_range_of_the_named_assets_by_asset_then_oldest_first()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);
        var stores = new IAlertStore[] { new PostgresAlertStore(db), new InMemoryAlertStore() };
        var first = Alert("gp-001", "ch4_lel.high");
        var secondEarly = Alert("gp-002", "ch4_lel.high", T0.AddMinutes(1));
        var secondLate = Alert("gp-002", "pressure_kpa.high", T0.AddMinutes(5));
        var secondLateClosed = secondLate with { State = AlertState.Closed, ConditionActive = false, Cause = "false_alarm" };
        var notAsked = Alert("gp-003", "ch4_lel.high");
        var before = Alert("gp-001", "pressure_kpa.high", T0.AddSeconds(-1));
        var atTheEnd = Alert("gp-001", "ch4_lel.rate", T0.AddHours(1)); // the range's end is not in it
        foreach (var store in stores)
        {
            // Raised out of order, and one of them closed since: a backtest counts closed alerts too.
            foreach (var alert in new[] { secondLate, atTheEnd, first, notAsked, before, secondEarly })
            {
                await store.RecordAsync(new AlertRecord(null, alert, "raised", "system", null, alert.RaisedAt), ct);
            }

            await store.RecordAsync(new AlertRecord(secondLate, secondLateClosed, "closed", "zhang.min", null, T0.AddMinutes(9)), ct);
        }

        // More ids than one statement takes, named so that the two assets with alerts fall into different statements;
        // one asked twice, one unknown.
        string[] asked = ["gp-002", "gp-001", "gp-001", "gp-404", .. Enumerable.Range(0, 4_500).Select(i => $"gp-001-x{i:D4}")];
        foreach (var store in stores)
        {
            var found = await store.RaisedForAssetsAsync(asked, T0, T0.AddHours(1), ct);

            Assert.Equal([first.AlertId, secondEarly.AlertId, secondLate.AlertId], found.Select(a => a.AlertId));
            Assert.Equal(AlertState.Closed, found[2].State);
            Assert.Empty(await store.RaisedForAssetsAsync([], T0, T0.AddHours(1), ct));
        }
    }

    [Fact]
    public async Task A_ledger_only_line_keeps_the_state_and_continues_the_sequence()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);
        var store = new PostgresAlertStore(db);
        var raised = Alert("gp-001", "ch4_lel.high");
        await store.RecordAsync(new AlertRecord(null, raised, "raised", "system", null, T0), ct);

        var appended = await store.AppendAsync(raised.AlertId, AlertLedgerActions.Escalated, "system", "level 1: d-east, duty officer", T0.AddMinutes(5), ct);
        var unknown = await store.AppendAsync("gp-404~x~1", AlertLedgerActions.Escalated, "system", null, T0, ct);

        Assert.True(appended);
        Assert.False(unknown);
        var last = (await store.HistoryAsync(raised.AlertId, ct))[^1];
        Assert.Equal((2, "escalated", AlertState.Open), (last.Sequence, last.Action, last.StateAfter));
        Assert.Equal(raised, last.Before);
        Assert.Equal(raised, await store.FindAsync(raised.AlertId, ct));
    }

    [Fact]
    public async Task A_change_whose_ledger_line_fails_leaves_the_state_untouched()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);
        var store = new PostgresAlertStore(db);
        var raised = Alert("gp-001", "ch4_lel.high");
        await store.RecordAsync(new AlertRecord(null, raised, "raised", "system", null, T0), ct);
        // Someone slipped a line 2 in by hand: the next change's ledger line collides with it.
        await ExecuteAsync(db, $"""
            INSERT INTO alert_ledger (alert_id, seq, at, action, actor, state_after, alert_after)
            SELECT alert_id, 2, now(), 'forged', 'nobody', state, alert FROM alerts WHERE alert_id = '{raised.AlertId}'
            """, ct);

        var acknowledged = raised with { State = AlertState.Acknowledged };
        await Assert.ThrowsAsync<PostgresException>(() =>
            store.RecordAsync(new AlertRecord(raised, acknowledged, "acknowledged", "li.wei", null, T0.AddMinutes(1)), ct));

        Assert.Equal(raised, await store.FindAsync(raised.AlertId, ct));
    }

    [Fact]
    public async Task The_schema_refuses_to_delete_or_rewrite_anything_and_a_second_open_alert_per_rule()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);
        var store = new PostgresAlertStore(db);
        var raised = Alert("gp-001", "ch4_lel.high");
        await store.RecordAsync(new AlertRecord(null, raised, "raised", "system", null, T0), ct);

        var rewrite = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(db, "UPDATE alert_ledger SET actor = 'someone else'", ct));
        var deleteLine = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(db, "DELETE FROM alert_ledger", ct));
        var deleteAlert = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(db, "DELETE FROM alerts", ct));
        var truncate = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(db, "TRUNCATE alert_ledger CASCADE", ct));
        var duplicate = await Assert.ThrowsAsync<PostgresException>(() =>
            store.RecordAsync(new AlertRecord(null, Alert("gp-001", "ch4_lel.high", T0.AddMinutes(1)), "raised", "system", null, T0), ct));

        Assert.Contains("refused", rewrite.MessageText, StringComparison.Ordinal);
        Assert.Contains("refused", deleteLine.MessageText, StringComparison.Ordinal);
        Assert.Contains("refused", deleteAlert.MessageText, StringComparison.Ordinal);
        Assert.Contains("refused", truncate.MessageText, StringComparison.Ordinal);
        Assert.Equal(PostgresErrorCodes.UniqueViolation, duplicate.SqlState);
        Assert.Single(await store.HistoryAsync(raised.AlertId, ct));
    }

    [Fact]
    public async Task Concurrent_changes_of_one_alert_get_distinct_sequence_numbers()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);
        var store = new PostgresAlertStore(db);
        var raised = Alert("gp-001", "ch4_lel.high");
        await store.RecordAsync(new AlertRecord(null, raised, "raised", "system", null, T0), ct);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            store.AppendAsync(raised.AlertId, "commented", $"op{i}", null, T0.AddSeconds(i), ct)));

        Assert.Equal(Enumerable.Range(1, 21), (await store.HistoryAsync(raised.AlertId, ct)).Select(e => e.Sequence));
    }

    internal static AlertView Alert(string assetId, string ruleId, DateTimeOffset? raisedAt = null)
    {
        var at = raisedAt ?? T0;
        return new AlertView(
            AlertBook.NewAlertId(assetId, ruleId, at), assetId, ruleId, WarningLevel.Orange, WarningLevel.Orange, AlertState.Open,
            ConditionActive: true, "ch4_lel", 30.5, at.AddSeconds(-1), at, at, null, at.AddMinutes(15), "ch4_lel 30.5 >= Orange threshold 25",
            "测试管段", "gas_pipeline", "gas", "d-east");
    }

    private static async Task ExecuteAsync(NpgsqlDataSource db, string sql, CancellationToken ct)
    {
        await using var command = db.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(ct);
    }
}
