namespace RiskMonitor.Domain.Sites;

/// <summary>An emergency contact on a site's risk notice board (风险告知牌).</summary>
public sealed record EmergencyContact(string Role, string Name, string Phone);

/// <summary>One row of a site's emergency-response list (应急处置清单).</summary>
public sealed record EmergencyResponse(string Scenario, string Actions);

/// <summary>
/// What the registry says about a site beyond the asset contract, for its 一图一牌三清单: the substance, main hazards,
/// control measures, emergency contacts and responses (registry properties of the same names).
/// </summary>
public sealed record SiteProfile(
    string AssetId,
    string? Substance,
    IReadOnlyList<string> MainHazards,
    IReadOnlyList<string> ControlMeasures,
    IReadOnlyList<EmergencyContact> EmergencyContacts,
    IReadOnlyList<EmergencyResponse> EmergencyResponses)
{
    /// <summary>The kinds that get a board: major hazard sources (重大危险源) and enterprise sites such as gas stations.</summary>
    public static bool IsSiteKind(string kind) => kind is "hazard_source" or "gas_station";
}
