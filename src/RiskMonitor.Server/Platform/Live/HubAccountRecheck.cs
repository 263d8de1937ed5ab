using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using RiskMonitor.Contracts.Access;
using RiskMonitor.Domain.Access;
using RiskMonitor.Domain.Regions;
using RiskMonitor.Server.Platform.Security;

namespace RiskMonitor.Server.Platform.Live;

/// <summary>
/// Keeps open hub connections in step with their accounts (issue 24 rows 2 and 6). A SignalR connection is
/// authenticated once, when it opens, and may then stay for a shift: without this, a disabled account's wall kept
/// receiving alerts and a demoted one kept its duty groups. Every <see cref="AuthOptions.AccountRecheckInterval"/>, and
/// at once when an admin changes an account on this node, each connection's account is read again: a disabled one is
/// closed, a changed one is regrouped by <see cref="HubGroupPolicy"/> (scope groups swapped, groups it may no longer
/// be in left). Names the store does not know (an identity provider's people) keep what their token says.
/// </summary>
internal sealed class HubAccountRecheck(
    HubConnectionRegistry connections, IHubContext<RiskHub> hub, IUserStore users, Registry.LiveRegistry registry, IOptions<AuthOptions> options,
    TimeProvider time, ILogger<HubAccountRecheck> logger) : BackgroundService
{
    /// <summary>Rechecks the connections of one account now (after an admin changed it on this node).</summary>
    public Task RecheckAsync(string name, CancellationToken cancellationToken) =>
        RecheckAsync(connections.Snapshot().Where(c => string.Equals(c.Caller.Name, name, StringComparison.Ordinal)).ToList(), cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.AccountRecheckInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await RecheckAsync(connections.Snapshot(), stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    SecurityLog.HubRecheckFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    private async Task RecheckAsync(IReadOnlyList<HubConnectionEntry> open, CancellationToken cancellationToken)
    {
        var accounts = new Dictionary<string, UserAccount?>(StringComparer.Ordinal);
        foreach (var connection in open)
        {
            if (connection.Caller.Name is not { } name)
            {
                continue;
            }

            if (!accounts.TryGetValue(name, out var account))
            {
                accounts[name] = account = await users.FindAsync(name, cancellationToken);
            }

            if (account is null)
            {
                continue;
            }

            if (account.Disabled)
            {
                SecurityLog.HubConnectionClosed(logger, connection.ConnectionId, name);
                connection.Context.Abort();
                continue;
            }

            var now = HubCaller.Of(name, account.Roles, RegionScope.Of(account.Regions));
            if (SameRights(now, connection.Caller))
            {
                continue;
            }

            var (leave, join) = HubGroupPolicy.Regroup(now, connection.Joined, connection.ScopeGroups, registry.Current.Map.Index);
            foreach (var group in leave)
            {
                await hub.Groups.RemoveFromGroupAsync(connection.ConnectionId, group, cancellationToken);
            }

            foreach (var group in join)
            {
                await hub.Groups.AddToGroupAsync(connection.ConnectionId, group, cancellationToken);
            }

            connection.Regrouped(now, leave, join);
            SecurityLog.HubConnectionRegrouped(logger, connection.ConnectionId, name, string.Join(", ", leave));
        }
    }

    private static bool SameRights(HubCaller a, HubCaller b) =>
        a.Roles.SequenceEqual(b.Roles) && a.Scope.Regions.SequenceEqual(b.Scope.Regions, StringComparer.Ordinal);
}
