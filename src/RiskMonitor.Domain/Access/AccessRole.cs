namespace RiskMonitor.Domain.Access;

/// <summary>
/// What a person or system may do through the API and the hubs (issue 11). The first four form a ladder, each
/// including the ones below it; <see cref="Integrator"/> stands apart: a machine that reads the feed and manages its
/// webhooks, and sees nothing else.
/// </summary>
public enum AccessRole
{
    /// <summary>Reads: the wall display, dashboards, alert and asset views.</summary>
    Viewer,

    /// <summary>Handles alerts and hazards: acknowledge, dispatch, resolve, comment, report, convert to a hazard.</summary>
    Operator,

    /// <summary>Signs off (closes alerts, verifies hazards, 销号), silences, changes the duty roster.</summary>
    Supervisor,

    /// <summary>The city platform: the integration feed, CAP and its own webhooks.</summary>
    Integrator,

    /// <summary>Users, device credentials and integrators' keys, on top of everything a supervisor may do.</summary>
    Admin,

    /// <summary>
    /// A responsible party's account (issue 20): sees and acts on the alerts routed to its own organisation on the
    /// unit pages and nothing else. The organisation is the one whose people name the account.
    /// </summary>
    Unit,
}

public static class AccessRoles
{
    /// <summary>The role names as they appear in tokens and configuration.</summary>
    public static IReadOnlyList<string> Names { get; } = ["viewer", "operator", "supervisor", "integrator", "admin", "unit"];

    public static string Name(AccessRole role) => Names[(int)role];

    public static bool TryParse(string? name, out AccessRole role)
    {
        var index = name is null ? -1 : Names.ToList().FindIndex(n => string.Equals(n, name.Trim(), StringComparison.OrdinalIgnoreCase));
        role = index < 0 ? default : (AccessRole)index;
        return index >= 0;
    }

    /// <summary>
    /// Whether holding <paramref name="held"/> grants <paramref name="needed"/>: admin grants everything, the ladder
    /// viewer &lt; operator &lt; supervisor grants downwards, and integrator and unit grant only themselves.
    /// </summary>
    public static bool Grants(AccessRole held, AccessRole needed) => held switch
    {
        AccessRole.Admin => true,
        AccessRole.Integrator => needed == AccessRole.Integrator,
        AccessRole.Unit => needed == AccessRole.Unit,
        _ => needed is not AccessRole.Integrator and not AccessRole.Admin and not AccessRole.Unit && held >= needed,
    };

    /// <summary>Whether any of the held role names grants <paramref name="needed"/>; unknown names grant nothing.</summary>
    public static bool AnyGrants(IEnumerable<string> heldNames, AccessRole needed)
    {
        ArgumentNullException.ThrowIfNull(heldNames);
        return heldNames.Any(n => TryParse(n, out var held) && Grants(held, needed));
    }
}
