using RiskMonitor.Contracts.Regions;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Regions;

namespace RiskMonitor.Server.Regions;

/// <summary>
/// A region as clients see it (<c>regionChanged</c>, <c>GET /api/regions/{id}</c>). <c>colour</c> is the dynamic
/// layer's highest colour (就高原则), <c>inherentColour</c> the inherent layer's, each at least <c>areaLevel</c> (the
/// highest level an area risk assessment gave the region or an area within it); both null for a region with no assets
/// and no assessed level.
/// </summary>
internal sealed record RegionJson(
    string RegionId,
    string Name,
    RegionLevel Level,
    string? ParentId,
    SupervisorJson? Supervisor,
    RiskColour? Colour,
    RiskColour? InherentColour,
    RiskColour? AreaLevel,
    LayerJson Dynamic,
    LayerJson Inherent,
    long Version,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<RegionJson>? Children = null)
{
    public static RegionJson From(RegionSummary summary, IReadOnlyList<RegionJson>? children = null)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return new(
            summary.RegionId,
            summary.Name,
            summary.Level,
            summary.ParentId,
            summary.Supervisor is { } s ? new SupervisorJson(s.Name, s.Phone) : null,
            summary.Colour,
            summary.InherentColour,
            summary.AreaLevel,
            LayerJson.From(summary.Tally.Dynamic),
            LayerJson.From(summary.Tally.Inherent),
            summary.Version,
            summary.UpdatedAt,
            children);
    }
}

internal sealed record SupervisorJson(string Name, string? Phone);

/// <summary><c>counts</c> holds each asset once; <c>crossing</c> the line assets counted elsewhere that pass through.</summary>
internal sealed record LayerJson(RiskColour? Highest, CountsJson Counts, CountsJson Crossing, IReadOnlyDictionary<string, IndustryJson> ByIndustry)
{
    public static LayerJson From(LayerTally layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return new(layer.Highest, CountsJson.From(layer.Counts), CountsJson.From(layer.Crossing),
            layer.ByIndustry.ToDictionary(e => e.Key, e => new IndustryJson(e.Value.Highest, CountsJson.From(e.Value.Counted), CountsJson.From(e.Value.Crossing)), StringComparer.Ordinal));
    }
}

internal sealed record IndustryJson(RiskColour? Highest, CountsJson Counts, CountsJson Crossing);

internal sealed record CountsJson(int Red, int Orange, int Yellow, int Blue, int Total)
{
    public static CountsJson From(ColourCounts c) => new(c.Red, c.Orange, c.Yellow, c.Blue, c.Total);
}
