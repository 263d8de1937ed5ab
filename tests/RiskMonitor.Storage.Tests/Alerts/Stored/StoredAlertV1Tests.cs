using System.Text.Json;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Contracts.Notifications;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Storage.Alerts.Journal;
using RiskMonitor.Storage.Alerts.Stored;
using RiskMonitor.Storage.Feed;
using RiskMonitor.Storage.Postgres;

namespace RiskMonitor.Storage.Tests.Alerts.Stored;

/// <summary>
/// The stored alert shape: what builds before it wrote (literals captured from them) still reads, what it writes reads
/// back, and the API's wire JSON does not move with it.
/// </summary>
public sealed class StoredAlertV1Tests
{
    private static readonly DateTimeOffset T = new(2026, 12, 6, 22, 50, 43, 123, TimeSpan.Zero);

    // Written by the build before the stored shape (JsonSerializer over AlertView with StorageJson's options).
    private const string RowBeforeTheShape =
        """{"alertId":"gp-1:ch4_lel.high","assetId":"gp-1!drill-7","ruleId":"ch4_lel.high","severity":"red","level":"orange","state":"in_progress","conditionActive":true,"metric":"ch4_lel","value":61.5,"readingTime":"2026-12-06T22:50:43.123+00:00","raisedAt":"2026-12-06T22:45:43.123+00:00","updatedAt":"2026-12-06T22:51:43.123+00:00","clearedAt":null,"respondBy":"2026-12-06T23:20:43.123+00:00","message":"\u7532\u70F7 61.5 %LEL","assetName":"Pipe 1","kind":"gas_pipeline","industry":"gas","regionId":"district-1","assignee":"\u738B\u5DE5","cause":null,"flapping":true,"flappingSince":"2026-12-06T22:50:43.123+00:00","conditionChanges":["2026-12-06T22:50:43.123+00:00","2026-12-06T22:50:44.123+00:00"],"silencedBy":null,"incidentId":"inc-1","details":{"predictedValue":70.25,"windowSeconds":600},"drill":"drill-7"}""";

    // The same build's journal lines: a level change (before and after) and an escalation step with its notice.
    private const string JournalLinesBeforeTheShape = """
        {"position":41,"kind":"record","alertId":"gp-1:ch4_lel.high","at":"2026-12-06T03:01:00+00:00","record":{"before":{"alertId":"gp-1:ch4_lel.high","assetId":"gp-1","ruleId":"ch4_lel.high","severity":"orange","level":"orange","state":"open","conditionActive":true,"metric":"ch4_lel","value":30,"readingTime":"2026-12-06T03:00:00+00:00","raisedAt":"2026-12-06T03:00:00+00:00","updatedAt":"2026-12-06T03:00:00+00:00","clearedAt":null,"respondBy":"2026-12-06T03:15:00+00:00","message":"\u7532\u70F7 30 %LEL","assetName":"Pipe 1","kind":"gas_pipeline","industry":"gas","regionId":"district-1","assignee":null,"cause":null,"flapping":false,"flappingSince":null,"conditionChanges":null,"silencedBy":null,"incidentId":null,"details":null,"drill":null},"after":{"alertId":"gp-1:ch4_lel.high","assetId":"gp-1","ruleId":"ch4_lel.high","severity":"red","level":"red","state":"open","conditionActive":true,"metric":"ch4_lel","value":61.5,"readingTime":"2026-12-06T03:00:00+00:00","raisedAt":"2026-12-06T03:00:00+00:00","updatedAt":"2026-12-06T03:01:00+00:00","clearedAt":null,"respondBy":"2026-12-06T03:15:00+00:00","message":"\u7532\u70F7 30 %LEL","assetName":"Pipe 1","kind":"gas_pipeline","industry":"gas","regionId":"district-1","assignee":null,"cause":null,"flapping":false,"flappingSince":null,"conditionChanges":null,"silencedBy":null,"incidentId":null,"details":{"rate":2.5},"drill":null},"action":"level_changed","actor":"system","note":"upgrade","at":"2026-12-06T03:01:00+00:00"},"action":null,"actor":null,"note":null,"notice":null}
        {"position":42,"kind":"escalation","alertId":"gp-1:ch4_lel.high","at":"2026-12-06T03:06:00+00:00","record":null,"action":"escalated","actor":"system","note":"step 1, level 1: duty officer \u674E\u660E 13800000000","notice":{"alert":{"alertId":"gp-1:ch4_lel.high","assetId":"gp-1","ruleId":"ch4_lel.high","severity":"red","level":"red","state":"open","conditionActive":true,"metric":"ch4_lel","value":61.5,"readingTime":"2026-12-06T03:00:00+00:00","raisedAt":"2026-12-06T03:00:00+00:00","updatedAt":"2026-12-06T03:01:00+00:00","clearedAt":null,"respondBy":"2026-12-06T03:15:00+00:00","message":"\u7532\u70F7 30 %LEL","assetName":"Pipe 1","kind":"gas_pipeline","industry":"gas","regionId":"district-1","assignee":null,"cause":null,"flapping":false,"flappingSince":null,"conditionChanges":null,"silencedBy":null,"incidentId":null,"details":{"rate":2.5},"drill":null},"step":1,"level":1,"recipients":[{"kind":"duty_officer","name":"\u674E\u660E","phone":"13800000000","regionId":"district-1","email":null,"organisationId":null,"dueBy":null}],"at":"2026-12-06T03:06:00+00:00","kind":"escalation"}}
        """;

    private static readonly string[] NamesBeforeTheShape =
    [
        "alertId", "assetId", "ruleId", "severity", "level", "state", "conditionActive", "metric", "value", "readingTime",
        "raisedAt", "updatedAt", "clearedAt", "respondBy", "message", "assetName", "kind", "industry", "regionId", "assignee",
        "cause", "flapping", "flappingSince", "conditionChanges", "silencedBy", "incidentId", "details", "drill",
    ];

    private static AlertView Full() =>
        new("gp-1:ch4_lel.high", "gp-1!drill-7", "ch4_lel.high", WarningLevel.Red, WarningLevel.Orange, AlertState.InProgress, true,
            "ch4_lel", 61.5, T, T.AddMinutes(-5), T.AddMinutes(1), null, T.AddMinutes(30), "甲烷 61.5 %LEL", "Pipe 1", "gas_pipeline",
            "gas", "district-1")
        {
            Assignee = "王工",
            Flapping = true,
            FlappingSince = T,
            ConditionChanges = [T, T.AddSeconds(1)],
            IncidentId = "inc-1",
            Details = new Dictionary<string, double> { ["predictedValue"] = 70.25, ["windowSeconds"] = 600 },
        };

    private static string[] Names(string json) =>
        [.. JsonDocument.Parse(json).RootElement.EnumerateObject().Select(p => p.Name)];

    [Fact]
    public void A_row_written_before_the_stored_shape_reads_as_the_alert_it_was()
    {
        var read = JsonSerializer.Deserialize<AlertView>(RowBeforeTheShape, StorageJson.Options);

        Assert.Equivalent(Full(), read, strict: true);
        Assert.Equal("drill-7", read!.Drill);
    }

    [Fact]
    public void The_stored_shape_writes_the_names_written_before_it_behind_its_version_marker()
    {
        var json = JsonSerializer.Serialize(Full(), StorageJson.Options);

        Assert.Equal(["v", .. NamesBeforeTheShape], Names(json));
        Assert.Equal(Names(RowBeforeTheShape), NamesBeforeTheShape);
        Assert.Equal(1, JsonDocument.Parse(json).RootElement.GetProperty("v").GetInt32());

        // Value for value what the old build wrote, so psql readers and SQL (alert->>'state') see no change.
        using var before = JsonDocument.Parse(RowBeforeTheShape);
        using var after = JsonDocument.Parse(json);
        foreach (var name in NamesBeforeTheShape)
        {
            Assert.Equal(before.RootElement.GetProperty(name).GetRawText(), after.RootElement.GetProperty(name).GetRawText());
        }
    }

    [Fact]
    public void What_is_written_reads_back_unchanged()
    {
        var bare = new AlertView("x:r", "x", "r", WarningLevel.Yellow, WarningLevel.Yellow, AlertState.Open, false, null, null, T, T, T,
            null, null, "m", "n", "k", "i", "reg");

        foreach (var alert in new[] { Full(), bare, Full() with { SilencedBy = "sil-1", Cause = "valve", ClearedAt = T } })
        {
            var read = JsonSerializer.Deserialize<AlertView>(JsonSerializer.Serialize(alert, StorageJson.Options), StorageJson.Options);

            Assert.Equivalent(alert, read, strict: true);
        }
    }

    [Fact]
    public void A_row_from_an_older_build_without_the_later_fields_reads_with_their_defaults()
    {
        // As PostgreSQL hands jsonb back (keys reordered, spaces), from before flapping, incidents, details and drills.
        const string row = """
            {"kind": "gas_pipeline", "level": "orange", "state": "open", "value": 30.5, "metric": "ch4_lel", "ruleId": "ch4_lel.high", "alertId": "gp-001:ch4_lel.high:1", "assetId": "gp-001", "message": "ch4_lel 30.5 >= Orange threshold 25", "industry": "gas", "raisedAt": "2026-11-24T12:00:00+00:00", "regionId": "d-east", "severity": "orange", "assetName": "测试管段", "clearedAt": null, "respondBy": "2026-11-24T12:15:00+00:00", "updatedAt": "2026-11-24T12:00:00+00:00", "readingTime": "2026-11-24T11:59:59+00:00", "conditionActive": true}
            """;

        var read = JsonSerializer.Deserialize<AlertView>(row, StorageJson.Options)!;

        Assert.Equal(("gp-001:ch4_lel.high:1", AlertState.Open, WarningLevel.Orange, 30.5), (read.AlertId, read.State, read.Severity, read.Value));
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 12, 15, 0, TimeSpan.Zero), read.RespondBy);
        Assert.False(read.Flapping);
        Assert.Null(read.ConditionChanges);
        Assert.Null(read.Details);
        Assert.Null(read.IncidentId);
        Assert.Null(read.Drill);
    }

    [Fact]
    public void Journal_lines_written_before_the_stored_shape_read_with_their_alerts()
    {
        var entries = JournalLinesBeforeTheShape.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonSerializer.Deserialize<AlertJournalEntry>(line, StorageJson.Options)!).ToList();

        var record = entries[0].Record!;
        Assert.Equal((41L, AlertJournalKind.Record), (entries[0].Position, entries[0].Kind));
        Assert.Equal((WarningLevel.Orange, WarningLevel.Red), (record.Before!.Severity, record.After.Severity));
        Assert.Equal(2.5, record.After.Details!["rate"]);
        Assert.Equal("甲烷 30 %LEL", record.Before.Message);
        var notice = entries[1].Notice!;
        Assert.Equal((42L, AlertJournalKind.Escalation, 1), (entries[1].Position, entries[1].Kind, notice.Step));
        Assert.Equal(AlertState.Open, notice.Alert.State);
        Assert.Equal("李明", Assert.Single(notice.Recipients).Name);
        Assert.Equivalent(record.After, notice.Alert, strict: true);
    }

    [Fact]
    public void A_journal_entry_round_trips_with_its_alerts_in_the_stored_shape()
    {
        var after = Full();
        var before = after with { Severity = WarningLevel.Orange, Details = null };
        var notice = new EscalationNotice(after, 2, 2, [], T) { Kind = NoticeKind.Escalation };
        var lines = new[]
        {
            AlertJournalEntry.ForRecord(new AlertRecord(before, after, AlertLedgerActions.LevelChanged, AlertLedgerActions.SystemActor, "upgrade", T)) with { Position = 7 },
            AlertJournalEntry.ForEscalation(after.AlertId, "step 2", notice, T) with { Position = 8 },
        };

        foreach (var entry in lines)
        {
            var json = JsonSerializer.Serialize(entry, StorageJson.Options);
            var read = JsonSerializer.Deserialize<AlertJournalEntry>(json, StorageJson.Options);

            Assert.Equivalent(entry, read, strict: true);
        }

        Assert.Contains("\"after\":{\"v\":1,", JsonSerializer.Serialize(lines[0], StorageJson.Options), StringComparison.Ordinal);
    }

    [Fact]
    public void A_shape_version_this_build_does_not_know_is_refused_by_name_not_misread()
    {
        var newer = RowBeforeTheShape.Replace("{\"alertId\"", "{\"v\":2,\"alertId\"", StringComparison.Ordinal);

        var refused = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<AlertView>(newer, StorageJson.Options));

        Assert.Contains("version 2", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_api_and_feed_json_of_an_alert_keep_their_names_and_carry_no_storage_version()
    {
        var feed = JsonSerializer.Serialize(Full(), FeedJson.Options);

        Assert.Equal(NamesBeforeTheShape, Names(feed));
        Assert.Contains("\"readingTime\":\"2026-12-06T22:50:43.123Z\"", feed, StringComparison.Ordinal); // the wire's UTC form, not storage's
    }

    [Fact]
    public void The_mapping_carries_every_member_of_the_alert()
    {
        // A member added to AlertView must be added to the stored shape (or listed here as deliberately not stored).
        var viewMembers = typeof(AlertView).GetProperties().Select(p => p.Name).Where(n => n != "EqualityContract");
        var storedMembers = typeof(StoredAlertV1).GetProperties().Select(p => p.Name).Where(n => n is not ("EqualityContract" or "Version"));

        Assert.Equal(viewMembers.Order(StringComparer.Ordinal), storedMembers.Order(StringComparer.Ordinal));
    }
}
