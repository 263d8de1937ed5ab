using RiskMonitor.Domain.Incidents;
using RiskMonitor.Storage.Feed;

namespace RiskMonitor.Storage.Incidents;

/// <summary>The incidents of a server run without PostgreSQL: the same contract, in memory.</summary>
public sealed class InMemoryIncidentStore(InMemoryFeedLog feed) : IIncidentStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, IncidentRecord> _incidents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<IncidentLedgerEntry>> _ledger = new(StringComparer.Ordinal);

    public InMemoryIncidentStore()
        : this(new InMemoryFeedLog())
    {
    }

    public Task<bool> RecordAsync(IncidentRecord? before, IncidentRecord after, string action, string actor, string? note, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(after);
        lock (_gate)
        {
            _incidents.TryGetValue(after.IncidentId, out var stored);
            if (before is null ? stored is not null : stored is null || stored.UpdatedAt != before.UpdatedAt)
            {
                return Task.FromResult(false);
            }

            _incidents[after.IncidentId] = after;
            if (!_ledger.TryGetValue(after.IncidentId, out var entries))
            {
                _ledger[after.IncidentId] = entries = [];
            }

            entries.Add(new IncidentLedgerEntry(entries.Count + 1, at, action, actor, note));
            if (!after.Exercise)
            {
                feed.Append(IncidentFeedPayload.TypeFor(action), IncidentFeedPayload.SchemaVersion, at, null, after.RegionId,
                    new IncidentFeedPayload(action, actor, note, after).ToElement());
            }

            return Task.FromResult(true);
        }
    }

    public Task<IncidentRecord?> FindAsync(string incidentId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_incidents.GetValueOrDefault(incidentId));
        }
    }

    public Task<IReadOnlyList<IncidentRecord>> ListAsync(bool openOnly, int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<IncidentRecord>>([.. _incidents.Values
                .Where(i => !openOnly || i.Status == IncidentStatus.Open)
                .OrderByDescending(i => i.OccurredAt).ThenBy(i => i.IncidentId, StringComparer.Ordinal)
                .Take(Math.Clamp(limit, 1, 10_000))]);
        }
    }

    public Task<IReadOnlyList<IncidentLedgerEntry>> HistoryAsync(string incidentId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<IncidentLedgerEntry>>(_ledger.TryGetValue(incidentId, out var entries) ? [.. entries] : []);
        }
    }
}
