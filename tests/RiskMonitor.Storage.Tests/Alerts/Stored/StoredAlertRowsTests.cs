using System.Text.Json;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Storage.Alerts;
using RiskMonitor.Storage.Tests.Postgres;

namespace RiskMonitor.Storage.Tests.Alerts.Stored;

/// <summary>Rows that a build before the stored alert shape left in PostgreSQL, read and carried on by this one.</summary>
[Collection(PostgresCollection.Name)]
public sealed class StoredAlertRowsTests(PostgresFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    // An open orange alert as the earliest alert store wrote it (before flapping, incidents, details and drills).
    private const string OldAlert = """
        {"alertId":"gp-001:ch4_lel.high:1","assetId":"gp-001","ruleId":"ch4_lel.high","severity":"orange","level":"orange","state":"open","conditionActive":true,"metric":"ch4_lel","value":30.5,"readingTime":"2026-11-24T11:59:59+00:00","raisedAt":"2026-11-24T12:00:00+00:00","updatedAt":"2026-11-24T12:00:00+00:00","clearedAt":null,"respondBy":"2026-11-24T12:15:00+00:00","message":"ch4_lel 30.5 >= Orange threshold 25","assetName":"测试管段","kind":"gas_pipeline","industry":"gas","regionId":"d-east","assignee":null,"cause":null}
        """;

    [Fact]
    public async Task An_alert_and_its_ledger_written_before_the_stored_shape_read_and_take_new_changes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await fixture.NewMigratedDatabaseAsync(ct);
        await using (var insert = db.CreateCommand("""
            INSERT INTO alerts (alert_id, asset_id, rule_id, region_id, kind, industry, severity, severity_rank, state, condition_active,
                                raised_at, updated_at, version, alert)
            VALUES ('gp-001:ch4_lel.high:1', 'gp-001', 'ch4_lel.high', 'd-east', 'gas_pipeline', 'gas', 'orange', 3, 'open', true,
                    @at, @at, 1, @alert::jsonb);
            INSERT INTO alert_ledger (alert_id, seq, at, action, actor, note, state_before, state_after, alert_before, alert_after)
            VALUES ('gp-001:ch4_lel.high:1', 1, @at, 'raised', 'system', NULL, NULL, 'open', NULL, @alert::jsonb);
            """))
        {
            insert.Parameters.AddWithValue("at", T0);
            insert.Parameters.AddWithValue("alert", OldAlert);
            await insert.ExecuteNonQueryAsync(ct);
        }

        var store = new PostgresAlertStore(db);
        var found = await store.FindAsync("gp-001:ch4_lel.high:1", ct);
        var open = await store.LoadNotClosedAsync("gp-001", ct);
        var orange = await store.QueryAsync(new AlertQuery(MinSeverity: WarningLevel.Orange), ct);

        Assert.NotNull(found);
        Assert.Equal(("gp-001", WarningLevel.Orange, AlertState.Open, 30.5, "测试管段"), (found.AssetId, found.Severity, found.State, found.Value, found.AssetName));
        Assert.Equal(found, Assert.Single(open));
        Assert.Equal(found, Assert.Single(orange.Items));

        // A ledger-only line copies the old row's JSON as its before and after (SQL reads alert->>'state' from it).
        Assert.True(await store.AppendAsync(found.AlertId, AlertLedgerActions.Commented, "li.wei", "on site", T0.AddMinutes(1), ct));
        var acknowledged = found with { State = AlertState.Acknowledged, UpdatedAt = T0.AddMinutes(2) };
        Assert.Equal(3, await store.RecordAsync(new AlertRecord(found, acknowledged, AlertLedgerActions.Acknowledged, "li.wei", null, T0.AddMinutes(2)), ct));

        var history = await store.HistoryAsync(found.AlertId, ct);
        Assert.Equal(["raised", "commented", "acknowledged"], history.Select(e => e.Action));
        Assert.Equal(found, history[0].After);
        Assert.Equal((AlertState?)AlertState.Open, history[1].StateBefore);
        Assert.Equal(found, history[1].After);
        Assert.Equal(acknowledged, history[2].After);
        Assert.Equal(acknowledged, await store.FindAsync(found.AlertId, ct));

        await using var row = db.CreateCommand("SELECT alert::text FROM alerts WHERE alert_id = 'gp-001:ch4_lel.high:1'");
        using var written = JsonDocument.Parse((string)(await row.ExecuteScalarAsync(ct))!);
        Assert.Equal(1, written.RootElement.GetProperty("v").GetInt32());
        Assert.Equal("acknowledged", written.RootElement.GetProperty("state").GetString());
    }
}
