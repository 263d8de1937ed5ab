using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using RiskMonitor.Server.Platform.Security;

namespace RiskMonitor.Server.Platform.Live;

/// <summary>
/// The hub connections open on this node, with who each is and which groups it joined, so that a changed or disabled
/// account's connections can be regrouped or closed (<see cref="HubAccountRecheck"/>) without waiting for a reconnect.
/// </summary>
internal sealed class HubConnectionRegistry
{
    private readonly ConcurrentDictionary<string, HubConnectionEntry> _connections = new(StringComparer.Ordinal);

    public HubConnectionEntry Add(HubCallerContext context, HubCaller caller)
    {
        ArgumentNullException.ThrowIfNull(context);
        var entry = new HubConnectionEntry(context, caller);
        _connections[context.ConnectionId] = entry;
        return entry;
    }

    public HubConnectionEntry? Find(string connectionId) => _connections.GetValueOrDefault(connectionId);

    public void Remove(string connectionId) => _connections.TryRemove(connectionId, out _);

    public IReadOnlyList<HubConnectionEntry> Snapshot() => [.. _connections.Values];
}

/// <summary>One connection: its caller (replaced when the account changes) and the groups it is in.</summary>
internal sealed class HubConnectionEntry(HubCallerContext context, HubCaller caller)
{
    private readonly Lock _gate = new();
    private readonly HashSet<(HubGroupKind Kind, string Name)> _joined = [];
    private readonly HashSet<string> _scopeGroups = new(StringComparer.Ordinal);
    private HubCaller _caller = caller;

    public HubCallerContext Context { get; } = context;

    public string ConnectionId => Context.ConnectionId;

    public HubCaller Caller
    {
        get
        {
            lock (_gate)
            {
                return _caller;
            }
        }
    }

    public IReadOnlyList<(HubGroupKind Kind, string Name)> Joined
    {
        get
        {
            lock (_gate)
            {
                return [.. _joined];
            }
        }
    }

    public IReadOnlyList<string> ScopeGroups
    {
        get
        {
            lock (_gate)
            {
                return [.. _scopeGroups];
            }
        }
    }

    public void Join(HubGroupKind kind, string name)
    {
        lock (_gate)
        {
            _joined.Add((kind, name));
        }
    }

    public void Left(HubGroupKind kind, string name)
    {
        lock (_gate)
        {
            _joined.Remove((kind, name));
        }
    }

    /// <summary>Records the new caller and group membership after a regroup.</summary>
    public void Regrouped(HubCaller caller, IEnumerable<string> left, IEnumerable<string> scopeGroupsJoined)
    {
        lock (_gate)
        {
            _caller = caller;
            var gone = left.ToHashSet(StringComparer.Ordinal);
            _scopeGroups.ExceptWith(gone);
            _joined.RemoveWhere(j => gone.Contains(HubGroupPolicy.GroupOf(j.Kind, j.Name)));
            _scopeGroups.UnionWith(scopeGroupsJoined);
        }
    }

    public void InScopeGroups(IEnumerable<string> groups)
    {
        lock (_gate)
        {
            _scopeGroups.UnionWith(groups);
        }
    }
}
