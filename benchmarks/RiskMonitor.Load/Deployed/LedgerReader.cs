using System.Globalization;
using Npgsql;

namespace RiskMonitor.Load.Deployed;

/// <summary>The red methane alert's condition changes as the system of record holds them: the ledger and the feed.</summary>
internal static class LedgerReader
{
    // raised and condition_returned put the condition on, condition_cleared takes it off; one line per reading that did it.
    private const string Ledger = """
        SELECT a.asset_id, l.action, l.alert_after->>'readingTime', l.alert_id
        FROM alert_ledger l JOIN alerts a ON a.alert_id = l.alert_id
        WHERE a.rule_id = 'ch4_lel.high' AND l.action IN ('raised', 'condition_returned', 'condition_cleared')
        """;

    private const string Feed = """
        SELECT asset_id, payload->>'action', payload->'alert'->>'readingTime', payload->'alert'->>'alertId'
        FROM feed_events
        WHERE type IN ('alert.raised', 'alert.updated', 'alert.cleared') AND payload->'alert'->>'ruleId' = 'ch4_lel.high'
          AND payload->>'action' IN ('raised', 'condition_returned', 'condition_cleared')
        """;

    public sealed record Rows(List<ObservedChange> Changes, int Alerts, int MaxLinesPerAlert);

    public static Task<Rows> LedgerAsync(string connectionString, CancellationToken ct) => ReadAsync(connectionString, Ledger, ct);

    public static Task<Rows> FeedAsync(string connectionString, CancellationToken ct) => ReadAsync(connectionString, Feed, ct);

    private static async Task<Rows> ReadAsync(string connectionString, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var changes = new List<ObservedChange>();
        var perAlert = new Dictionary<string, int>();
        while (await reader.ReadAsync(ct))
        {
            var kind = reader.GetString(1) == "condition_cleared" ? ChangeKind.Clear : ChangeKind.Raise;
            var ts = reader.IsDBNull(2) ? 0 : DateTimeOffset.Parse(reader.GetString(2), CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
            changes.Add(new ObservedChange(HubChanges.AssetIndex(reader.GetString(0)), ts, kind, 0));
            var alert = reader.IsDBNull(3) ? "" : reader.GetString(3);
            perAlert[alert] = perAlert.GetValueOrDefault(alert) + 1;
        }

        return new Rows(changes, perAlert.Count, perAlert.Count == 0 ? 0 : perAlert.Values.Max());
    }
}
