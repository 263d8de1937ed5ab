namespace RiskMonitor.Storage.Hazards;

/// <summary>The tip line's caller records of a server run without PostgreSQL.</summary>
public sealed class InMemoryTipLineStore : ITipLineStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TipRecord> _byReference = new(StringComparer.Ordinal);

    public Task AddAsync(TipRecord tip, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tip);
        lock (_gate)
        {
            // One caller record per reference and per hazard, as the table's keys have it.
            if (_byReference.ContainsKey(tip.Reference) || _byReference.Values.Any(t => t.HazardId == tip.HazardId))
            {
                throw new InvalidOperationException($"Tip '{tip.Reference}' or its hazard is recorded already.");
            }

            _byReference.Add(tip.Reference, tip);
        }

        return Task.CompletedTask;
    }

    public Task<TipRecord?> FindByReferenceAsync(string reference, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_byReference.GetValueOrDefault(reference));
        }
    }

    public Task<TipRecord?> FindByHazardAsync(string hazardId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_byReference.Values.FirstOrDefault(t => t.HazardId == hazardId));
        }
    }
}
