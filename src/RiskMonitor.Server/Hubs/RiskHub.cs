using Microsoft.AspNetCore.SignalR;

namespace RiskMonitor.Server.Hubs;

/// <summary>
/// <c>/hubs/risk</c> (DESIGN.md §7). Server-to-client: alertRaised, alertUpdated, alertCleared, assetChanged (and
/// regionChanged once the risk map lands). Every client receives the city-wide stream; groups per region and per
/// role narrow it for clients that ask.
/// </summary>
public sealed class RiskHub : Hub
{
    public const string Path = "/hubs/risk";

    public static string RegionGroup(string regionId) => "region:" + regionId;

    public static string RoleGroup(string role) => "role:" + role;

    /// <summary>One person's group (实名制 name, as on the duty roster and in the region file): escalations addressed to them.</summary>
    public static string UserGroup(string user) => "user:" + user;

    public Task JoinRegion(string regionId) => Groups.AddToGroupAsync(Context.ConnectionId, RegionGroup(Require(regionId)));

    public Task LeaveRegion(string regionId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, RegionGroup(Require(regionId)));

    public Task JoinRole(string role) => Groups.AddToGroupAsync(Context.ConnectionId, RoleGroup(Require(role)));

    public Task LeaveRole(string role) => Groups.RemoveFromGroupAsync(Context.ConnectionId, RoleGroup(Require(role)));

    public Task JoinUser(string user) => Groups.AddToGroupAsync(Context.ConnectionId, UserGroup(Require(user)));

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
