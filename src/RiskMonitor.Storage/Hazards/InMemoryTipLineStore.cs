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
            if (!_byReference.TryAdd(tip.Reference, tip) || _byReference.Values.Count(t => t.HazardId == tip.HazardId) > 1)
            {
                _byReference.Remove(tip.Reference);
                throw new InvalidOperationException($"Tip '{tip.Reference}' or its hazard is recorded already.");
            }
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
