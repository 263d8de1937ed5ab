using RiskMonitor.Contracts.Access;

namespace RiskMonitor.Storage.Access;

/// <summary>Accounts of a server run without PostgreSQL: the same contract, in memory, lost on restart.</summary>
public sealed class InMemoryUserStore : IUserStore
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, UserAccount> _users = new(StringComparer.Ordinal);

    public Task<UserAccount?> FindAsync(string name, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_users.GetValueOrDefault(name));
        }
    }

    public Task<IReadOnlyList<UserAccount>> ListAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<UserAccount>>([.. _users.Values]);
        }
    }

    public Task SaveAsync(UserAccount account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        lock (_gate)
        {
            // As in PostgreSQL: who created the account and when survives an update.
            _users[account.Name] = _users.TryGetValue(account.Name, out var existing)
                ? account with { CreatedAt = existing.CreatedAt, CreatedBy = existing.CreatedBy }
                : account;
        }

        return Task.CompletedTask;
    }

    public Task<bool> AnyAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_users.Count > 0);
        }
    }
}

/// <summary>The audit trail of a server run without PostgreSQL: bounded, newest kept, lost on restart.</summary>
public sealed class InMemoryAuditTrail(int capacity = 100_000) : IAuditTrail
{
    private readonly Lock _gate = new();
    private readonly LinkedList<AuditRecord> _records = new();

    public Task AppendAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        lock (_gate)
        {
            foreach (var record in records)
            {
                _records.AddLast(record);
                if (_records.Count > capacity)
                {
                    _records.RemoveFirst();
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AuditRecord>> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<AuditRecord>>([.. _records.Reverse()
                .Where(r => (query.Actor is null || r.Actor == query.Actor) && (query.From is null || r.At >= query.From) &&
                            (query.To is null || r.At < query.To) &&
                            (query.PathPrefix is null || r.Path.StartsWith(query.PathPrefix, StringComparison.Ordinal)))
                .Take(Math.Clamp(query.Limit, 1, 10_000))]);
        }
    }
}
