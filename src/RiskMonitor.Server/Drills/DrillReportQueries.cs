using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Domain.Drills;
using RiskMonitor.Domain.Escalation;
using RiskMonitor.Domain.Incidents;
using RiskMonitor.Server.Alerts;
using RiskMonitor.Storage.Alerts;
using RiskMonitor.Storage.Drills;
using RiskMonitor.Storage.Hazards;
using RiskMonitor.Storage.Incidents;

namespace RiskMonitor.Server.Drills;

/// <summary>
/// A drill's report (decisions 0042, 0049): its alerts from the alert store and the node's read model, each with who
/// acknowledged, started work and closed it against the escalation's acknowledge clock, and the incidents and hazards
/// recorded in it. Talks to the stores and the read model only, so it is tested on the in-memory stores.
/// </summary>
internal sealed class DrillReportQueries(
    IDrillStore drills, IAlertStore alerts, AlertReadModel board, EscalationPolicy escalation, IIncidentStore incidents, IHazardStore hazards, TimeProvider time)
{
    /// <summary>The drill report (null: no such drill) from the alert system of record and the node's board (which holds what is not yet in PostgreSQL).</summary>
    public async Task<DrillReportView?> ReportAsync(string drillId, CancellationToken cancellationToken)
    {
        if (await drills.FindAsync(drillId, cancellationToken) is not { } drill)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var found = new Dictionary<string, AlertView>(StringComparer.Ordinal);
        if (drill.StartedAt is { } started)
        {
            // The drill's alerts were raised while it ran; the query is bounded by its window and filtered by its key.
            var stored = await alerts.QueryAsync(new AlertQuery(RaisedFrom: started.AddMinutes(-1), RaisedTo: (drill.EndedAt ?? now).AddMinutes(1), Limit: 10_000), cancellationToken);
            foreach (var alert in stored.Items.Where(a => a.Drill == drillId))
            {
                found[alert.AlertId] = alert;
            }
        }

        foreach (var alert in board.Alerts.Where(a => a.Drill == drillId && !found.ContainsKey(a.AlertId)))
        {
            found[alert.AlertId] = alert;
        }

        var facts = new List<DrillAlertFacts>();
        foreach (var alert in found.Values)
        {
            var history = await alerts.HistoryAsync(alert.AlertId, cancellationToken);
            // The acknowledge clock is the escalation's: unacknowledged past it, the alert climbs the ladder.
            var acknowledgeBy = escalation.TimeoutFor(alert.Severity) is { } timeout ? alert.RaisedAt + timeout : (DateTimeOffset?)null;
            facts.Add(new DrillAlertFacts(alert.AlertId, DrillKey.AssetOf(alert.AssetId), alert.RuleId, alert.Severity, alert.RaisedAt, acknowledgeBy, alert.RespondBy,
                [.. history.Select(h => new DrillStepFact(h.Action, h.Actor, h.At))]));
        }

        return DrillReport.Compute(drill, facts, now) with
        {
            Incidents = await IncidentLinesAsync(drill, now, cancellationToken),
            Hazards = await HazardLinesAsync(drill, now, cancellationToken),
        };
    }

    /// <summary>The incidents opened in the drill (decision 0049). Incidents are few and the drill's are recent: the newest thousand are looked at.</summary>
    private async Task<IReadOnlyList<DrillIncidentLine>> IncidentLinesAsync(Drill drill, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var lines = new List<DrillIncidentLine>();
        foreach (var incident in (await incidents.ListAsync(openOnly: false, limit: 1000, cancellationToken)).Where(i => i.DrillId == drill.DrillId))
        {
            var acts = new List<ResponseTimeline.AlertActs>();
            foreach (var alertId in incident.AlertIds)
            {
                var ledger = await alerts.HistoryAsync(alertId, cancellationToken);
                if (ledger.Count > 0)
                {
                    acts.Add(new ResponseTimeline.AlertActs(alertId, ledger[0].At, [.. ledger.Select(l => (l.Action, l.Actor, l.At))]));
                }
            }

            lines.Add(DrillRecords.Incident(drill, incident, acts, now));
        }

        return [.. lines.OrderBy(l => l.KnownAt).ThenBy(l => l.IncidentId, StringComparer.Ordinal)];
    }

    private async Task<IReadOnlyList<DrillHazardLine>> HazardLinesAsync(Drill drill, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var lines = new List<DrillHazardLine>();
        foreach (var hazard in await hazards.QueryAsync(new HazardQuery(DrillId: drill.DrillId), cancellationToken))
        {
            var ledger = await hazards.HistoryAsync(hazard.HazardId, cancellationToken);
            lines.Add(DrillRecords.Hazard(drill, hazard, [.. ledger.Select(l => new DrillStepFact(l.Action, l.Actor, l.At))], now));
        }

        return [.. lines.OrderBy(l => l.ReportedAt).ThenBy(l => l.HazardId, StringComparer.Ordinal)];
    }
}
