using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Drills;

namespace RiskMonitor.Contracts.Alerts;

/// <summary>
/// An alert as clients see it: the SignalR payload of <c>alertRaised</c>/<c>alertUpdated</c>/<c>alertCleared</c> and the
/// REST representation (DESIGN.md §7). Times are UTC and serialize as RFC 3339 with milliseconds.
/// </summary>
[GenerateSerializer, Immutable, Alias("rm.AlertView.v1")]
public sealed record AlertView(
    [property: Id(0)] string AlertId,
    [property: Id(1)] string AssetId,
    [property: Id(2)] string RuleId,
    [property: Id(3)] WarningLevel Severity,
    [property: Id(4)] WarningLevel Level,
    [property: Id(5)] AlertState State,
    [property: Id(6)] bool ConditionActive,
    [property: Id(7)] string? Metric,
    [property: Id(8)] double? Value,
    [property: Id(9)] DateTimeOffset ReadingTime,
    [property: Id(10)] DateTimeOffset RaisedAt,
    [property: Id(11)] DateTimeOffset UpdatedAt,
    [property: Id(12)] DateTimeOffset? ClearedAt,
    [property: Id(13)] DateTimeOffset? RespondBy,
    [property: Id(14)] string Message,
    [property: Id(15)] string AssetName,
    [property: Id(16)] string Kind,
    [property: Id(17)] string Industry,
    [property: Id(18)] string RegionId)
{
    /// <summary>The person handling the alert (assigned over REST), or null.</summary>
    [Id(19)] public string? Assignee { get; init; }

    /// <summary>The cause given on resolving, or null.</summary>
    [Id(20)] public string? Cause { get; init; }

    /// <summary>The condition keeps coming and going (docs/decisions/0017-noise-control.md); one alert, no page per cycle.</summary>
    [Id(21)] public bool Flapping { get; init; }

    [Id(22)] public DateTimeOffset? FlappingSince { get; init; }

    /// <summary>Server times of the recent condition changes the flap detection counts; null or empty when none.</summary>
    [Id(23)] public DateTimeOffset[]? ConditionChanges { get; init; }

    /// <summary>
    /// The silence (maintenance window) that covers the alert now, or null: a silenced alert is shown but does not page
    /// or escalate. Set when the alert is read or pushed, from the silences in force at that moment; never stored.
    /// </summary>
    [Id(24)] public string? SilencedBy { get; init; }

    /// <summary>The incident this alert is linked into (its first alert's id), or null; the ledger records the link.</summary>
    [Id(25)] public string? IncidentId { get; init; }

    /// <summary>
    /// The numbers behind the rule's verdict at its last change (issue 22): a forecast's prediction, window and fit, a
    /// rate, a compound rule's values, a sensor fault's evidence and the alarms it held back; null for thresholds and
    /// events. Keys are listed in docs/rules.md.
    /// </summary>
    [Id(26)] public IReadOnlyDictionary<string, double>? Details { get; init; }

    /// <summary>
    /// The drill (演练) this alert belongs to, or null for a real alert (decision 0042). Read from the alert's asset key
    /// (<c>{assetId}!{drillId}</c>), never stored apart, so no copy of an alert can lose it.
    /// </summary>
    public string? Drill => DrillKey.DrillOf(AssetId);

    public static AlertView From(Alert alert, AssetIdentity asset)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(asset);
        return new(alert.AlertId, alert.AssetId, alert.RuleId, alert.Severity, alert.Level, alert.State,
            alert.ConditionActive, alert.Metric, alert.Value, alert.ReadingTime, alert.RaisedAt, alert.UpdatedAt,
            alert.ClearedAt, alert.RespondBy, alert.Message, asset.Name, asset.Kind, asset.Industry, asset.RegionId)
        {
            Assignee = alert.Assignee,
            Cause = alert.Cause,
            Flapping = alert.Flapping,
            FlappingSince = alert.FlappingSince,
            IncidentId = alert.IncidentId,
            Details = alert.Details,
            ConditionChanges = alert.ConditionChanges.Count == 0 ? null : [.. alert.ConditionChanges],
        };
    }

    public Alert ToDomain() => new(AlertId, AssetId, RuleId, Severity, Level, State, ConditionActive, Metric, Value,
        ReadingTime, RaisedAt, UpdatedAt, ClearedAt, RespondBy, Message)
    {
        Assignee = Assignee,
        Cause = Cause,
        Flapping = Flapping,
        FlappingSince = FlappingSince,
        IncidentId = IncidentId,
        Details = Details,
        ConditionChanges = ConditionChanges ?? [],
    };
}

/// <summary>The registry facts every alert and asset view repeats, so a client never needs a second lookup.</summary>
[GenerateSerializer, Immutable, Alias("rm.AssetIdentity.v1")]
public sealed record AssetIdentity(
    [property: Id(0)] string Name,
    [property: Id(1)] string Kind,
    [property: Id(2)] string Industry,
    [property: Id(3)] string RegionId);

/// <summary>A handler's step on an alert.</summary>
public enum AlertActionKind
{
    Acknowledge,
    StartWork,
    Resolve,
    Close,
    Assign,
    Comment,

    /// <summary>The server's incident linker puts the alert into an incident (actor <c>system</c>).</summary>
    LinkIncident,

    /// <summary>The drill the alert belongs to has ended: the alert is closed with it (actor: who ended the drill).</summary>
    EndDrill,
}

[GenerateSerializer, Immutable, Alias("rm.AlertAction.v1")]
public sealed record AlertAction(
    [property: Id(0)] string AlertId,
    [property: Id(1)] AlertActionKind Kind,
    [property: Id(2)] string Actor,
    [property: Id(3)] string? Note)
{
    /// <summary>For <see cref="AlertActionKind.Assign"/>: the person named.</summary>
    [Id(4)] public string? Assignee { get; init; }

    /// <summary>For <see cref="AlertActionKind.Resolve"/>: the cause found.</summary>
    [Id(5)] public string? Cause { get; init; }

    /// <summary>For <see cref="AlertActionKind.LinkIncident"/>: the incident's id.</summary>
    [Id(6)] public string? IncidentId { get; init; }
}

public enum AlertActionStatus
{
    Done,
    UnknownAlert,
    NotAllowed,
}

[GenerateSerializer, Immutable, Alias("rm.AlertActionResult.v1")]
public sealed record AlertActionResult(
    [property: Id(0)] AlertActionStatus Status,
    [property: Id(1)] AlertView? Alert);
