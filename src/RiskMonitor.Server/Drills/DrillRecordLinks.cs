using RiskMonitor.Domain.Drills;
using RiskMonitor.Storage.Drills;

namespace RiskMonitor.Server.Drills;

/// <summary>
/// An incident or hazard recorded for a drill (<c>drillId</c> on its request, decision 0049) names a drill that runs now:
/// a record made after the drill ended would be an exercise nobody rehearses, and one naming a drill that never was
/// would be hidden from the feed and the circulars for nothing.
/// </summary>
internal static class DrillRecordLinks
{
    private const string NeverOneIncident = "A drill's alerts and real ones (or another drill's) are never one incident.";

    /// <summary>Problems with <paramref name="drillId"/>, keyed <paramref name="field"/>; none when it is null or names a running drill.</summary>
    public static async Task<Dictionary<string, string[]>> CheckAsync(IDrillStore drills, string? drillId, string field, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(drills);
        var errors = new Dictionary<string, string[]>();
        if (drillId is not null && (!DrillKey.IsValidDrillId(drillId) || await drills.FindAsync(drillId, cancellationToken) is not { IsRunning: true }))
        {
            errors[field] = [$"No running drill '{drillId}': a record of a drill is made while the drill runs (GET /api/drills?active=true)."];
        }

        return errors;
    }

    /// <summary>
    /// The drill of a record made from alerts: the one named, else the one the alerts' keys belong to. Alerts of another
    /// drill, or a mix of real and drill alerts, are an error under <paramref name="field"/>.
    /// </summary>
    public static string? DrillOf(string? named, IEnumerable<string> alertKeys, Dictionary<string, string[]> errors, string field)
    {
        ArgumentNullException.ThrowIfNull(alertKeys);
        ArgumentNullException.ThrowIfNull(errors);
        var drills = alertKeys.Select(DrillKey.DrillOf).Distinct(StringComparer.Ordinal).ToList();
        if (drills.Count == 0)
        {
            return named;
        }

        if (drills.Count > 1 || (named is not null && drills[0] != named))
        {
            errors[field] = [NeverOneIncident];
            return named;
        }

        return drills[0] ?? named;
    }

    /// <summary>
    /// Alerts linked into an existing record: each must belong to the record's own drill (<paramref name="recordDrillId"/>,
    /// null for a real record), so a drill is never linked into a real record, nor a real alert into a drill's. An error
    /// under <paramref name="field"/> otherwise.
    /// </summary>
    public static void CheckLinked(string? recordDrillId, IEnumerable<string?> alertKeys, Dictionary<string, string[]> errors, string field)
    {
        ArgumentNullException.ThrowIfNull(alertKeys);
        ArgumentNullException.ThrowIfNull(errors);
        if (alertKeys.Any(key => DrillKey.DrillOf(key) != recordDrillId))
        {
            errors[field] = [NeverOneIncident];
        }
    }
}
