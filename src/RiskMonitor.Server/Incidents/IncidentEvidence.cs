using RiskMonitor.Server.Hazards;
using RiskMonitor.Server.Platform.Security;
using RiskMonitor.Storage.Evidence;
using RiskMonitor.Storage.Incidents;

namespace RiskMonitor.Server.Incidents;

/// <summary>
/// Evidence files (photos, PDFs) of an incident: the hazards' three routes (<see cref="EvidenceEndpoints"/>, decision
/// 0038) under <c>/api/incidents/records/{incidentId}</c>, with the same size and type checks, stored in the same table
/// as record kind <c>incident</c>. Reading follows the incident: the region scope filter refuses a caller scoped
/// elsewhere. Each upload is an <c>evidence_attached</c> line on the incident's ledger.
/// </summary>
internal static class IncidentEvidence
{
    public const string RecordKind = "incident";

    public static void MapIncidentEvidence(this RouteGroupBuilder incidents, IEndpointRouteBuilder routes) =>
        incidents.MapEvidence(
            new EvidenceEndpoints.RecordHooks(
                RecordKind, "incidentId",
                async (id, ct) => await Store(routes).FindAsync(id, ct) is not null,
                (id, file, ct) => RecordLineAsync(routes, id, file, ct)),
            "Incident", Policies.Operate);

    private static IIncidentStore Store(IEndpointRouteBuilder routes) => routes.ServiceProvider.GetRequiredService<IIncidentStore>();

    private static Task RecordLineAsync(IEndpointRouteBuilder routes, string incidentId, EvidenceFile file, CancellationToken cancellationToken)
    {
        var store = Store(routes);
        // The ledger runs on the incident clocks' time like every other step of the incident (a test may have moved it).
        var now = routes.ServiceProvider.GetRequiredKeyedService<TimeProvider>(IncidentsModule.TimeKey).GetUtcNow();
        return EvidenceEndpoints.RecordLineAsync(async action =>
            await store.FindAsync(incidentId, cancellationToken) is not { } incident ||
            await store.RecordAsync(incident, incident with { UpdatedAt = now > incident.UpdatedAt ? now : incident.UpdatedAt.AddMilliseconds(1) },
                action, file.UploadedBy, EvidenceEndpoints.LedgerNote(file), now, cancellationToken));
    }
}
