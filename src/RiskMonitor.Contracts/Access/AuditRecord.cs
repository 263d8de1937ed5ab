namespace RiskMonitor.Contracts.Access;

/// <summary>
/// One write request as the audit trail keeps it (issue 11): who (the authenticated name, or <c>anonymous</c>), with
/// which roles, did what (method and path), from where, with what outcome (the HTTP status: refusals are kept too).
/// Append-only: the trail answers "who silenced this?" and "who tried to?" long after the fact.
/// </summary>
public sealed record AuditRecord(
    DateTimeOffset At,
    string Actor,
    string Roles,
    string Method,
    string Path,
    int Status,
    string? Client,
    string? Scheme);

/// <summary>Filter for <see cref="IAuditTrail.QueryAsync"/>; newest first.</summary>
public sealed record AuditQuery(string? Actor = null, DateTimeOffset? From = null, DateTimeOffset? To = null, string? PathPrefix = null, int Limit = 100);

public interface IAuditTrail
{
    Task AppendAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<AuditRecord>> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default);
}
