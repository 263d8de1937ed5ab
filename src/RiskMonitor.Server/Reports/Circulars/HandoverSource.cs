using RiskMonitor.Domain.Access;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Reports;
using RiskMonitor.Server.Platform.Security;
using RiskMonitor.Storage.Alerts;
using RiskMonitor.Storage.Duty;
using RiskMonitor.Storage.Hazards;

namespace RiskMonitor.Server.Reports.Circulars;

/// <summary>
/// Gathers the shift handover (交接班) of a scope: the alerts not closed, the hazards of the ledger and the two shifts
/// of the roster, for the page (<c>GET /api/reports/handover</c>) and the mailed report (decision 0061) alike.
/// </summary>
internal sealed class HandoverSource(IAlertStore alerts, IHazardStore hazards, IDutyRoster roster, ICallerAccess access)
{
    /// <param name="now">When the figures are taken.</param>
    /// <param name="change">A shift change (a mailed report): the shift that ended then hands over to the one that began;
    /// null (the page): the shift on duty now hands over to the next.</param>
    public async Task<ShiftHandover> BuildAsync(RegionScope scope, DateTimeOffset now, DateTimeOffset? change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var open = new List<HandoverAlert>();
        foreach (var state in new[] { AlertState.Open, AlertState.Acknowledged, AlertState.InProgress, AlertState.Resolved })
        {
            var page = await alerts.QueryAsync(new AlertQuery(State: state, Limit: 10_000), cancellationToken);
            open.AddRange(page.Items.Where(a => access.CanSeeRecord(scope, a.AssetId, a.RegionId))
                .Select(a => new HandoverAlert(a.AlertId, a.AssetId, a.AssetName, a.Severity, a.State, a.RaisedAt, a.RespondBy, a.Assignee)));
        }

        var ledger = await hazards.QueryAsync(new HazardQuery(Limit: 100_000), cancellationToken);
        var (outgoing, incoming) = change is { } at
            ? (await roster.OnDutyAsync(at.AddTicks(-1), cancellationToken), await roster.OnDutyAsync(at, cancellationToken))
            : await OnDutyAndNextAsync(now, cancellationToken);
        return ShiftHandover.Compose(now, outgoing, incoming, open, ledger.Where(h => access.CanSeeRecord(scope, h.AssetId, h.RegionId)));
    }

    private async Task<(Domain.Escalation.DutyShift?, Domain.Escalation.DutyShift?)> OnDutyAndNextAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var current = await roster.OnDutyAsync(now, cancellationToken);
        return (current, current is null ? null : await roster.OnDutyAsync(current.EndsAt, cancellationToken));
    }
}
