namespace RiskMonitor.Storage.Rules;

/// <summary>Rule versions in memory, for a server without PostgreSQL: one node, nothing kept across a restart.</summary>
public sealed class InMemoryRuleStore : IRuleStore
{
    private readonly Lock _gate = new();
    private readonly List<RuleVersion> _versions = [];

    public Task<long> CurrentVersionAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult((long)_versions.Count);
        }
    }

    public Task<RuleVersion?> FindAsync(long version, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(version >= 1 && version <= _versions.Count ? _versions[(int)version - 1] : null);
        }
    }

    public Task<IReadOnlyList<RuleVersion>> ListAsync(int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<RuleVersion>>([.. Enumerable.Reverse(_versions).Take(limit)]);
        }
    }

    public Task<bool> AppendAsync(RuleVersion next, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(next);
        lock (_gate)
        {
            if (next.Version != _versions.Count + 1)
            {
                return Task.FromResult(false);
            }

            _versions.Add(next);
            return Task.FromResult(true);
        }
    }
}
