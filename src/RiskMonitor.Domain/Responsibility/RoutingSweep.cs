using RiskMonitor.Domain.Alerts;

namespace RiskMonitor.Domain.Responsibility;

/// <summary>What the routing sweep looks at of an alert not closed.</summary>
/// <param name="ChangedAt">The alert's last change: a raise or a worsening that its own routing call may still be carrying.</param>
public sealed record SweptAlert(string AlertId, WarningLevel Severity, AlertState State, bool Drill, DateTimeOffset ChangedAt);

/// <summary>
/// Which alerts' parties were never told of the severity the alert has now (decision 0048): the asset grain routes an
/// alert when it opens or worsens, without waiting; a silo that dies in between, or a registry read that fails (PostgreSQL
/// down while the alert went to the journal), loses that call. Pure: the sweeper asks the party case grain of each one
/// to route it, which is idempotent (a case told of this level or a worse one changes nothing).
/// </summary>
public static class RoutingSweep
{
    /// <param name="told">The severity each alert's parties were last told of; an alert never routed is absent.</param>
    /// <param name="grace">Left to the routing call in flight: an alert changed more recently than this is not swept yet.</param>
    public static IReadOnlyList<string> Unrouted(
        IEnumerable<SweptAlert> alerts, IReadOnlyDictionary<string, WarningLevel> told, RoutingWindows windows, DateTimeOffset now, TimeSpan grace)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        ArgumentNullException.ThrowIfNull(told);
        ArgumentNullException.ThrowIfNull(windows);
        return [.. alerts
            .Where(a => !a.Drill // a drill's alerts reach no party (decision 0042)
                && a.State is not (AlertState.Resolved or AlertState.Closed) // handled: acknowledgements are no longer awaited
                && windows.AcknowledgeWithin.ContainsKey(a.Severity) // blue reaches no party
                && a.ChangedAt <= now - grace
                && (!told.TryGetValue(a.AlertId, out var severity) || severity < a.Severity))
            .Select(a => a.AlertId)];
    }
}
