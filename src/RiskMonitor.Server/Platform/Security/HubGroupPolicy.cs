using System.Collections.Immutable;
using RiskMonitor.Domain.Access;
using RiskMonitor.Domain.Regions;
using RiskMonitor.Server.Escalation;
using RiskMonitor.Server.Platform.Live;

namespace RiskMonitor.Server.Platform.Security;

/// <summary>Who a hub connection is, read once from the claims (or, after a recheck, from the account store).</summary>
internal sealed record HubCaller(string? Name, ImmutableArray<AccessRole> Roles, RegionScope Scope)
{
    public static HubCaller Of(string? name, IEnumerable<string> roleNames, RegionScope scope) => new(
        name, [.. roleNames.Select(r => AccessRoles.TryParse(r, out var role) ? role : (AccessRole?)null).OfType<AccessRole>().Distinct().Order()], scope);

    public bool Has(AccessRole needed) => Roles.Any(r => AccessRoles.Grants(r, needed));
}

/// <summary>The groups a connection may ask for: <c>JoinRegion</c>, <c>JoinRole</c>, <c>JoinUser</c>.</summary>
internal enum HubGroupKind
{
    Region,
    Role,
    User,
}

/// <summary>The answer for one group: its name, and why not when refused.</summary>
internal sealed record HubGroupDecision(string Group, string? Refusal)
{
    public bool Allowed => Refusal is null;
}

/// <summary>
/// Which SignalR groups on <c>/hubs/risk</c> a connection may be in, as one pure function of its roles and region
/// scope (issue 24 row 2; README "SignalR hub"). The hub asks it on every join and the account recheck asks it again
/// when an account changes, so the rules live here only:
/// <list type="bullet">
/// <item>scope groups (<c>scope:*</c> or <c>scope:{region}</c>) are given on connecting, never joined by name;</item>
/// <item><c>JoinRegion(id)</c>: a region inside the scope; <c>*</c> (every region) city-wide only;</item>
/// <item><c>JoinRole(role)</c>: only the escalation duty roles, and only for city-wide accounts: <c>duty_officer</c>
/// needs an operator, <c>duty_leader</c> (带班领导) a supervisor. Their <c>alertEscalated</c> events cover the whole
/// city with names and phone numbers, so a region-scoped account never joins them;</item>
/// <item><c>JoinUser(name)</c>: one's own name; anyone's for a city-wide supervisor or admin watching the desk.</item>
/// </list>
/// </summary>
internal static class HubGroupPolicy
{
    /// <summary>The role groups that exist: the duty roles escalations address, with the access role each needs.</summary>
    public static IReadOnlyDictionary<string, AccessRole> DutyRoles { get; } = new Dictionary<string, AccessRole>(StringComparer.Ordinal)
    {
        [NotificationDispatcher.DutyOfficerRole] = AccessRole.Operator,
        [NotificationDispatcher.DutyLeaderRole] = AccessRole.Supervisor,
    };

    /// <summary>The groups a connection is put in on connecting: the city-wide one, or one per scoped region.</summary>
    public static IReadOnlyList<string> ScopeGroups(HubCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.Scope.IsCityWide ? [RiskHub.CityScopeGroup] : [.. caller.Scope.Regions.Select(RiskHub.ScopeGroup)];
    }

    public static HubGroupDecision Decide(HubCaller caller, HubGroupKind kind, string name, RegionIndex regions)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(regions);
        return new(GroupOf(kind, name), Refusal(caller, kind, name, regions));
    }

    /// <summary>The SignalR group name of a region, role or user group.</summary>
    public static string GroupOf(HubGroupKind kind, string name) => kind switch
    {
        HubGroupKind.Region => RiskHub.RegionGroup(name),
        HubGroupKind.Role => RiskHub.RoleGroup(name),
        _ => RiskHub.UserGroup(name),
    };

    /// <summary>
    /// Of the groups a connection is in, those it may no longer be in (the account lost a role or was scoped), with the
    /// scope groups it should now have: what the recheck applies to a connection whose account changed.
    /// </summary>
    public static (IReadOnlyList<string> Leave, IReadOnlyList<string> Join) Regroup(
        HubCaller caller, IEnumerable<(HubGroupKind Kind, string Name)> joined, IEnumerable<string> scopeGroups, RegionIndex regions)
    {
        ArgumentNullException.ThrowIfNull(joined);
        ArgumentNullException.ThrowIfNull(scopeGroups);
        var wantedScope = ScopeGroups(caller);
        var leave = scopeGroups.Except(wantedScope, StringComparer.Ordinal)
            .Concat(joined.Select(j => Decide(caller, j.Kind, j.Name, regions)).Where(d => !d.Allowed).Select(d => d.Group))
            .ToList();
        return (leave, [.. wantedScope.Except(scopeGroups, StringComparer.Ordinal)]);
    }

    private static string? Refusal(HubCaller caller, HubGroupKind kind, string name, RegionIndex regions)
    {
        if (!caller.Has(AccessRole.Viewer))
        {
            return "The hub needs a viewer's account.";
        }

        if (string.IsNullOrWhiteSpace(name) || name.Length > 128)
        {
            return "A group name is 1-128 characters.";
        }

        var cityWide = caller.Scope.IsCityWide;
        var supervisorDesk = cityWide && caller.Has(AccessRole.Supervisor);
        return kind switch
        {
            HubGroupKind.Region when name == "*" => cityWide ? null : "Every region ('*') is for city-wide accounts; join your own regions.",
            HubGroupKind.Region => caller.Scope.CoversRegion(regions, name) ? null : $"Region '{name}' lies outside your regions.",
            HubGroupKind.Role when !DutyRoles.TryGetValue(name, out var needed) =>
                $"There is no role group '{name}'; the duty role groups are {string.Join(", ", DutyRoles.Keys)}.",
            HubGroupKind.Role when !cityWide => "Duty role groups carry city-wide escalations: they are for city-wide accounts only.",
            HubGroupKind.Role => caller.Has(DutyRoles[name]) ? null : $"The '{name}' group needs the {AccessRoles.Name(DutyRoles[name])} role.",
            _ when string.Equals(name, caller.Name, StringComparison.Ordinal) || supervisorDesk => null,
            _ => "You may join only your own user group (anyone's: a city-wide supervisor).",
        };
    }
}
