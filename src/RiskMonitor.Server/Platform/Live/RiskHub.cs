using Microsoft.AspNetCore.SignalR;
using RiskMonitor.Domain.Regions;
using RiskMonitor.Server.Platform.Security;

namespace RiskMonitor.Server.Platform.Live;

/// <summary>
/// <c>/hubs/risk</c> (DESIGN.md §7). Server-to-client: alertRaised, alertUpdated, alertCleared, assetChanged,
/// regionChanged, alertEscalated. A connection needs a viewer's token. On connecting it joins its scope group: the
/// city-wide one, or one per region it is scoped to, and the alert and asset stream reaches it only through those, so a
/// grid officer's wall shows only their grids. Which region, role and user groups it may join is decided by
/// <see cref="HubGroupPolicy"/> alone; <see cref="HubAccountRecheck"/> regroups or closes it when its account changes.
/// </summary>
internal sealed class RiskHub(AccessControl access, RegionMap map, HubConnectionRegistry connections) : Hub
{
    public const string Path = "/hubs/risk";

    /// <summary>The scope group of city-wide connections.</summary>
    public const string CityScopeGroup = "scope:*";

    public static string RegionGroup(string regionId) => "region:" + regionId;

    public static string RoleGroup(string role) => "role:" + role;

    /// <summary>One person's group (实名制 name, as on the duty roster and in the region file): escalations addressed to them.</summary>
    /// <summary>An organisation's people (issue 20): the notices routed to it as a responsible party or regulator.</summary>
    public static string OrganisationGroup(string organisationId) => "org:" + organisationId;

    public static string UserGroup(string user) => "user:" + user;

    /// <summary>The scope group of connections scoped to a region (and so to everything below it).</summary>
    public static string ScopeGroup(string regionId) => "scope:" + regionId;

    public override async Task OnConnectedAsync()
    {
        var user = Context.User!;
        var caller = HubCaller.Of(user.Identity?.Name, AccessControl.RoleNames(user), access.ScopeOf(user));
        var entry = connections.Add(Context, caller);
        var scopeGroups = HubGroupPolicy.ScopeGroups(caller);
        foreach (var group in scopeGroups)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, group);
        }

        entry.InScopeGroups(scopeGroups);
        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Remove(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    /// <summary>Region events of one region (<c>*</c>: every region, city-wide callers only).</summary>
    public Task JoinRegion(string regionId) => JoinAsync(HubGroupKind.Region, regionId);

    public Task LeaveRegion(string regionId) => LeaveAsync(HubGroupKind.Region, regionId);

    /// <summary>The duty roles' escalations (duty_officer, duty_leader): city-wide accounts holding the matching role.</summary>
    public Task JoinRole(string role) => JoinAsync(HubGroupKind.Role, role);

    public Task LeaveRole(string role) => LeaveAsync(HubGroupKind.Role, role);

    /// <summary>Escalations addressed to a person: one's own, or anyone's for a city-wide supervisor watching the desk.</summary>
    public Task JoinUser(string user) => JoinAsync(HubGroupKind.User, user);

    public Task LeaveUser(string user) => LeaveAsync(HubGroupKind.User, user);

    private async Task JoinAsync(HubGroupKind kind, string name)
    {
        // The registry's caller, not the token's claims: after an account change the recheck has replaced it.
        var entry = connections.Find(Context.ConnectionId) ?? throw new HubException("The connection is closing.");
        var decision = HubGroupPolicy.Decide(entry.Caller, kind, name, map.Index);
        if (!decision.Allowed)
        {
            throw new HubException(decision.Refusal);
        }

        entry.Join(kind, name);
        await Groups.AddToGroupAsync(Context.ConnectionId, decision.Group);
    }

    private async Task LeaveAsync(HubGroupKind kind, string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 128)
        {
            throw new HubException("A group name is 1-128 characters.");
        }

        connections.Find(Context.ConnectionId)?.Left(kind, name);
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, HubGroupPolicy.GroupOf(kind, name));
    }
}

/// <summary>The client method names, in one place so that server and tests agree.</summary>
internal static class RiskHubMethods
{
    public const string AlertRaised = "alertRaised";
    public const string AlertUpdated = "alertUpdated";
    public const string AlertCleared = "alertCleared";
    public const string AssetChanged = "assetChanged";
    public const string RegionChanged = "regionChanged";
    public const string VehicleMoved = "vehicleMoved";

    /// <summary>An escalation step, sent only to the groups it addresses (user, duty role, region).</summary>
    public const string AlertEscalated = "alertEscalated";
}
