using Microsoft.AspNetCore.SignalR;
using RiskMonitor.Domain.Access;
using RiskMonitor.Server.Security;

namespace RiskMonitor.Server.Hubs;

/// <summary>
/// <c>/hubs/risk</c> (DESIGN.md §7). Server-to-client: alertRaised, alertUpdated, alertCleared, assetChanged,
/// regionChanged, alertEscalated. A connection needs a viewer's token. On connecting it joins its scope group: the
/// city-wide one, or one per region it is scoped to, and the alert and asset stream reaches it only through those, so a
/// grid officer's wall shows only their grids. Region, role and user groups narrow further and obey the same scope.
/// </summary>
public sealed class RiskHub(AccessControl access) : Hub
{
    public const string Path = "/hubs/risk";

    /// <summary>The scope group of city-wide connections.</summary>
    public const string CityScopeGroup = "scope:*";

    public static string RegionGroup(string regionId) => "region:" + regionId;

    public static string RoleGroup(string role) => "role:" + role;

    /// <summary>One person's group (实名制 name, as on the duty roster and in the region file): escalations addressed to them.</summary>
    public static string UserGroup(string user) => "user:" + user;

    /// <summary>The scope group of connections scoped to a region (and so to everything below it).</summary>
    public static string ScopeGroup(string regionId) => "scope:" + regionId;

    public override async Task OnConnectedAsync()
    {
        var scope = access.ScopeOf(Context.User!);
        foreach (var group in scope.IsCityWide ? [CityScopeGroup] : scope.Regions.Select(ScopeGroup))
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, group);
        }

        await base.OnConnectedAsync();
    }

    /// <summary>Region events of one region (<c>*</c>: every region, city-wide callers only).</summary>
    public Task JoinRegion(string regionId)
    {
        Require(regionId);
        var allowed = regionId == "*" ? access.ScopeOf(Context.User!).IsCityWide : access.CanSeeRegion(Context.User!, regionId);
        return allowed
            ? Groups.AddToGroupAsync(Context.ConnectionId, RegionGroup(regionId))
            : throw new HubException($"Region '{regionId}' lies outside your regions.");
    }

    public Task LeaveRegion(string regionId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, RegionGroup(Require(regionId)));

    /// <summary>The duty roles' escalations (duty_officer, duty_leader): for people who handle alerts.</summary>
    public Task JoinRole(string role) => AccessControl.Has(Context.User!, AccessRole.Operator)
        ? Groups.AddToGroupAsync(Context.ConnectionId, RoleGroup(Require(role)))
        : throw new HubException("Joining a duty role needs the operator role.");

    public Task LeaveRole(string role) => Groups.RemoveFromGroupAsync(Context.ConnectionId, RoleGroup(Require(role)));

    /// <summary>Escalations addressed to a person: one's own, or anyone's for a supervisor watching the desk.</summary>
    public Task JoinUser(string user) =>
        string.Equals(Require(user), Context.User!.Identity?.Name, StringComparison.Ordinal) || AccessControl.Has(Context.User!, AccessRole.Supervisor)
            ? Groups.AddToGroupAsync(Context.ConnectionId, UserGroup(user))
            : throw new HubException("You may join only your own user group.");

    public Task LeaveUser(string user) => Groups.RemoveFromGroupAsync(Context.ConnectionId, UserGroup(Require(user)));

    private static string Require(string value) =>
        string.IsNullOrWhiteSpace(value) || value.Length > 128
            ? throw new HubException("A group name is 1-128 characters.")
            : value;
}

/// <summary>The client method names, in one place so that server and tests agree.</summary>
public static class RiskHubMethods
{
    public const string AlertRaised = "alertRaised";
    public const string AlertUpdated = "alertUpdated";
    public const string AlertCleared = "alertCleared";
    public const string AssetChanged = "assetChanged";
    public const string RegionChanged = "regionChanged";

    /// <summary>An escalation step, sent only to the groups it addresses (user, duty role, region).</summary>
    public const string AlertEscalated = "alertEscalated";
}
