namespace RiskMonitor.Domain.Alerts;

/// <summary>
/// The alerts of one asset, keyed by rule: enforces "one alert per (asset, rule) that is not closed" (DESIGN.md §6).
/// A worsening level upgrades the alert, a returning condition re-activates it, and only a person closes it.
/// </summary>
public sealed class AlertBook
{
    // Never written: what an asset without alerts reads (most assets, most of the time).
    private static readonly Dictionary<string, Alert> NoAlerts = new(StringComparer.Ordinal);

    // Made with the first alert: an empty dictionary in every quiet asset's book was 104 B per active asset
    // (issue 22: heap per asset <= 4 KB).
    private Dictionary<string, Alert>? _byRule;
    private readonly FlapPolicy _flap;

    public AlertBook(string assetId, FlapPolicy? flap = null)
    {
        AssetId = assetId;
        _flap = flap ?? FlapPolicy.Default;
    }

    public string AssetId { get; }

    private Dictionary<string, Alert> Read => _byRule ?? NoAlerts;

    private Dictionary<string, Alert> Write => _byRule ??= new(StringComparer.Ordinal);

    public IReadOnlyCollection<Alert> Alerts => Read.Values;

    /// <summary>The highest live level over every rule: what the asset is warning about right now.</summary>
    public WarningLevel ActiveLevel
    {
        get
        {
            var level = WarningLevel.None;
            foreach (var alert in Read.Values)
            {
                if (alert.ConditionActive && alert.Level > level)
                {
                    level = alert.Level;
                }
            }

            return level;
        }
    }

    /// <summary>The highest level the rule's alert has reached while it is still open (its severity), or None.</summary>
    public WarningLevel PeakOf(string ruleId) =>
        Read.TryGetValue(ruleId, out var alert) && alert.State != AlertState.Closed ? alert.Severity : WarningLevel.None;

    public bool IsActive(string ruleId) => Read.TryGetValue(ruleId, out var alert) && alert.ConditionActive;

    /// <summary>The rule's live level as its alert shows it: <see cref="WarningLevel.None"/> without an active alert.</summary>
    public WarningLevel LevelOf(string ruleId) =>
        Read.TryGetValue(ruleId, out var alert) && alert.ConditionActive ? alert.Level : WarningLevel.None;

    /// <summary>Alert ids name their asset so that a handler's request finds the asset's grain without a lookup.</summary>
    public static string NewAlertId(string assetId, string ruleId, DateTimeOffset raisedAt) =>
        $"{assetId}~{ruleId}~{raisedAt.ToUnixTimeMilliseconds()}";

    /// <summary>The asset id inside an alert id, or null when the id is not one of ours.</summary>
    public static string? AssetIdOf(string alertId)
    {
        var end = alertId.IndexOf('~', StringComparison.Ordinal);
        return end > 0 ? alertId[..end] : null;
    }

    public Alert? Find(string alertId) =>
        AssetIdOf(alertId) == AssetId && alertId.Split('~') is [_, var ruleId, _] &&
        Read.TryGetValue(ruleId, out var alert) && alert.AlertId == alertId
            ? alert
            : null;

    /// <summary>Records a rule's new live level and returns what changed for the outside world, if anything.</summary>
    public AlertChange? Apply(RuleObservation observation)
    {
        ArgumentNullException.ThrowIfNull(observation);
        Read.TryGetValue(observation.RuleId, out var existing);
        // A drill's alerts say so in their own text, so every page, message and export that shows the text shows the mark.
        var message = Drills.Exercise.MarkIf(Drills.DrillKey.IsDrill(AssetId), observation.Message);

        if (observation.Level == WarningLevel.None)
        {
            if (existing is not { ConditionActive: true })
            {
                return null;
            }

            return Store(AlertChangeKind.Cleared, _flap.CountChange(existing with
            {
                ConditionActive = false,
                Level = WarningLevel.None,
                Value = observation.Value ?? existing.Value,
                ReadingTime = observation.ReadingTime,
                ClearedAt = observation.Now,
                UpdatedAt = observation.Now,
            }, observation.Now));
        }

        if (existing is null)
        {
            return Store(AlertChangeKind.Raised, new Alert(
                NewAlertId(AssetId, observation.RuleId, observation.Now),
                AssetId,
                observation.RuleId,
                observation.Level,
                observation.Level,
                AlertState.Open,
                ConditionActive: true,
                observation.Metric,
                observation.Value,
                observation.ReadingTime,
                RaisedAt: observation.Now,
                UpdatedAt: observation.Now,
                ClearedAt: null,
                RespondBy: observation.Now + observation.ResponseDeadline,
                message)
            {
                ConditionChanges = [observation.Now],
                Details = observation.Details,
            });
        }

        if (existing.ConditionActive && existing.Level == observation.Level)
        {
            if (observation.Refresh && existing.Message != message)
            {
                // Same level, new evidence (a sensor alert naming another alarm it holds back): an update, no new alert.
                return Store(AlertChangeKind.Updated, existing with
                {
                    Message = message,
                    Details = observation.Details ?? existing.Details,
                    UpdatedAt = observation.Now,
                });
            }

            return null; // same level, same alert: the common case for a steady condition
        }

        // Either a level change while active, or the condition came back before anyone closed the alert: the same
        // alert carries on (re-opened if it had been resolved), so a returning leak is one case, not two.
        var returned = !existing.ConditionActive;
        var after = existing with
        {
            Level = observation.Level,
            Severity = RiskLevels.Max(existing.Severity, observation.Level),
            ConditionActive = true,
            Metric = observation.Metric ?? existing.Metric,
            Value = observation.Value ?? existing.Value,
            ReadingTime = observation.ReadingTime,
            ClearedAt = null,
            UpdatedAt = observation.Now,
            Message = message,
            Details = observation.Details ?? existing.Details,
        };
        if (returned)
        {
            after = _flap.CountChange(after, observation.Now);
        }

        // A flapping alert that someone resolved is not re-opened by each return (that would restart its escalation
        // every cycle); it re-opens when the flag drops with the condition still on, or at once if it got worse.
        var worse = observation.Level > existing.Severity;
        var reopen = existing.State == AlertState.Resolved && (!after.Flapping || worse);
        return Store(AlertChangeKind.Updated, after with { State = reopen ? AlertState.Open : existing.State });
    }

    /// <summary>
    /// Drops the flapping flag of alerts that stayed quiet for the policy's quiet period; a resolved alert whose
    /// condition is still on re-opens then, so its escalation starts as for any other returning condition.
    /// </summary>
    public void Tick(DateTimeOffset now, List<AlertChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        List<Alert>? quiet = null;
        foreach (var alert in Read.Values)
        {
            if (_flap.QuietSince(alert, now))
            {
                (quiet ??= []).Add(alert);
            }
        }

        foreach (var alert in quiet ?? [])
        {
            changes.Add(Store(AlertChangeKind.Updated, alert with
            {
                Flapping = false,
                FlappingSince = null,
                State = alert.State == AlertState.Resolved && alert.ConditionActive ? AlertState.Open : alert.State,
                UpdatedAt = now,
            }));
        }
    }

    /// <summary>Applies a handler's workflow step; a closed alert leaves the book (its history is the ledger's job).</summary>
    public (WorkflowOutcome Outcome, Alert? Alert) Handle(string alertId, Func<Alert, (WorkflowOutcome, Alert)> step)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (Find(alertId) is not { } alert)
        {
            return (WorkflowOutcome.NotAllowed, null);
        }

        var (outcome, after) = step(alert);
        if (outcome == WorkflowOutcome.Done)
        {
            if (after.IsClosed)
            {
                _byRule?.Remove(after.RuleId);
            }
            else
            {
                Write[after.RuleId] = after;
            }
        }

        return (outcome, after);
    }

    public void Restore(IEnumerable<Alert> alerts)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        _byRule?.Clear();
        foreach (var alert in alerts)
        {
            Write[alert.RuleId] = alert;
        }
    }

    private AlertChange Store(AlertChangeKind kind, Alert alert)
    {
        Write[alert.RuleId] = alert;
        return new AlertChange(kind, alert);
    }
}

/// <summary>One rule's verdict at one moment, as the alert book consumes it.</summary>
/// <param name="Now">Server time of the decision (raisedAt/updatedAt); <paramref name="ReadingTime"/> is the sample's own time.</param>
public sealed record RuleObservation(
    string RuleId,
    WarningLevel Level,
    string? Metric,
    double? Value,
    DateTimeOffset ReadingTime,
    DateTimeOffset Now,
    TimeSpan? ResponseDeadline,
    string Message)
{
    /// <summary>The numbers behind the verdict (<see cref="Alert.Details"/>); null keeps the alert's own.</summary>
    public IReadOnlyDictionary<string, double>? Details { get; init; }

    /// <summary>Update the alert's message and details even when its level is unchanged (a change of evidence, not of condition).</summary>
    public bool Refresh { get; init; }
}
