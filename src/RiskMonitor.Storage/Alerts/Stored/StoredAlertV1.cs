using System.Text.Json;
using System.Text.Json.Serialization;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Drills;

namespace RiskMonitor.Storage.Alerts.Stored;

/// <summary>
/// An alert as Storage keeps it, version 1: the <c>alerts.alert</c> row, the ledger's <c>alert_before</c>/<c>alert_after</c>,
/// the alert inside an outbox notice and every alert in the node's journal files. Apart from <see cref="AlertView"/> (the
/// grain message, REST body and hub payload) so that renaming an API field does not change stored data: the names
/// below are the stored contract, spelled out, and equal to what was written before this type existed (camelCase, enum
/// values in snake_case) plus the version marker <c>v</c>. A row or line without <c>v</c> is version 1
/// (docs/decisions/0047-pure-escalation-and-stored-alert-shape.md).
/// </summary>
internal sealed record StoredAlertV1
{
    public const int CurrentVersion = 1;

    /// <summary>The shape's version; absent in everything written before it was added, which is version 1.</summary>
    [JsonPropertyName("v")] public int Version { get; init; } = CurrentVersion;

    [JsonPropertyName("alertId")] public string? AlertId { get; init; }

    [JsonPropertyName("assetId")] public string? AssetId { get; init; }

    [JsonPropertyName("ruleId")] public string? RuleId { get; init; }

    [JsonPropertyName("severity")] public WarningLevel Severity { get; init; }

    [JsonPropertyName("level")] public WarningLevel Level { get; init; }

    [JsonPropertyName("state")] public AlertState State { get; init; }

    [JsonPropertyName("conditionActive")] public bool ConditionActive { get; init; }

    [JsonPropertyName("metric")] public string? Metric { get; init; }

    [JsonPropertyName("value")] public double? Value { get; init; }

    [JsonPropertyName("readingTime")] public DateTimeOffset ReadingTime { get; init; }

    [JsonPropertyName("raisedAt")] public DateTimeOffset RaisedAt { get; init; }

    [JsonPropertyName("updatedAt")] public DateTimeOffset UpdatedAt { get; init; }

    [JsonPropertyName("clearedAt")] public DateTimeOffset? ClearedAt { get; init; }

    [JsonPropertyName("respondBy")] public DateTimeOffset? RespondBy { get; init; }

    [JsonPropertyName("message")] public string Message { get; init; } = "";

    [JsonPropertyName("assetName")] public string AssetName { get; init; } = "";

    [JsonPropertyName("kind")] public string Kind { get; init; } = "";

    [JsonPropertyName("industry")] public string Industry { get; init; } = "";

    [JsonPropertyName("regionId")] public string RegionId { get; init; } = "";

    [JsonPropertyName("assignee")] public string? Assignee { get; init; }

    [JsonPropertyName("cause")] public string? Cause { get; init; }

    [JsonPropertyName("flapping")] public bool Flapping { get; init; }

    [JsonPropertyName("flappingSince")] public DateTimeOffset? FlappingSince { get; init; }

    [JsonPropertyName("conditionChanges")] public DateTimeOffset[]? ConditionChanges { get; init; }

    [JsonPropertyName("silencedBy")] public string? SilencedBy { get; init; }

    [JsonPropertyName("incidentId")] public string? IncidentId { get; init; }

    [JsonPropertyName("details")] public Dictionary<string, double>? Details { get; init; }

    /// <summary>
    /// Written for whoever reads the row with psql (it always was); never read back, since the drill is part of the
    /// asset key (decision 0042) and a stored copy could only disagree with it.
    /// </summary>
    [JsonPropertyName("drill")] public string? Drill { get; init; }

    public static StoredAlertV1 From(AlertView alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return new StoredAlertV1
        {
            AlertId = alert.AlertId,
            AssetId = alert.AssetId,
            RuleId = alert.RuleId,
            Severity = alert.Severity,
            Level = alert.Level,
            State = alert.State,
            ConditionActive = alert.ConditionActive,
            Metric = alert.Metric,
            Value = alert.Value,
            ReadingTime = alert.ReadingTime,
            RaisedAt = alert.RaisedAt,
            UpdatedAt = alert.UpdatedAt,
            ClearedAt = alert.ClearedAt,
            RespondBy = alert.RespondBy,
            Message = alert.Message,
            AssetName = alert.AssetName,
            Kind = alert.Kind,
            Industry = alert.Industry,
            RegionId = alert.RegionId,
            Assignee = alert.Assignee,
            Cause = alert.Cause,
            Flapping = alert.Flapping,
            FlappingSince = alert.FlappingSince,
            ConditionChanges = alert.ConditionChanges,
            SilencedBy = alert.SilencedBy,
            IncidentId = alert.IncidentId,
            Details = alert.Details is null ? null : new Dictionary<string, double>(alert.Details, StringComparer.Ordinal),
            Drill = DrillKey.DrillOf(alert.AssetId),
        };
    }

    /// <exception cref="JsonException">A version this code does not know, or an alert without its identity.</exception>
    public AlertView ToView()
    {
        if (Version != CurrentVersion)
        {
            throw new JsonException($"The stored alert '{AlertId}' has shape version {Version}; this build reads version {CurrentVersion}.");
        }

        if (string.IsNullOrEmpty(AlertId) || string.IsNullOrEmpty(AssetId) || string.IsNullOrEmpty(RuleId))
        {
            throw new JsonException("A stored alert lacks its alertId, assetId or ruleId.");
        }

        return new AlertView(AlertId, AssetId, RuleId, Severity, Level, State, ConditionActive, Metric, Value, ReadingTime,
            RaisedAt, UpdatedAt, ClearedAt, RespondBy, Message, AssetName, Kind, Industry, RegionId)
        {
            Assignee = Assignee,
            Cause = Cause,
            Flapping = Flapping,
            FlappingSince = FlappingSince,
            ConditionChanges = ConditionChanges,
            SilencedBy = SilencedBy,
            IncidentId = IncidentId,
            Details = Details,
        };
    }
}
