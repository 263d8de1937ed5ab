using System.Collections.Immutable;

namespace RiskMonitor.Domain.Regions;

/// <summary>The two layers of the four-colour map (DESIGN.md §5).</summary>
public enum RiskLayer
{
    /// <summary>固有风险: the registry's inherent colour of each asset.</summary>
    Inherent = 0,

    /// <summary>动态风险: max(inherent colour, current warning level) of each asset.</summary>
    Dynamic = 1,
}

/// <summary>One layer of a region's summary, broken down by industry. Immutable, compared by value.</summary>
public sealed class LayerTally : IEquatable<LayerTally>
{
    public static readonly LayerTally Empty = new(ImmutableSortedDictionary<string, IndustryTally>.Empty.WithComparers(StringComparer.Ordinal));

    public LayerTally(ImmutableSortedDictionary<string, IndustryTally> byIndustry)
    {
        ArgumentNullException.ThrowIfNull(byIndustry);
        ByIndustry = byIndustry;
        foreach (var tally in byIndustry.Values)
        {
            Counts += tally.Counted;
            Crossing += tally.Crossing;
        }
    }

    public ImmutableSortedDictionary<string, IndustryTally> ByIndustry { get; }

    /// <summary>Every industry's assets, each counted once.</summary>
    public ColourCounts Counts { get; }

    /// <summary>Line assets of other regions that pass through this one (they colour it, they are not counted).</summary>
    public ColourCounts Crossing { get; }

    /// <summary>The region's colour in this layer (就高原则); null for a region with no assets.</summary>
    public RiskColour? Highest => new IndustryTally(Counts, Crossing).Highest;

    /// <summary>The region's colour for one industry; null when the region has none of its assets.</summary>
    public RiskColour? HighestOf(string industry) => ByIndustry.TryGetValue(industry, out var tally) ? tally.Highest : null;

    public bool Equals(LayerTally? other) =>
        other is not null && (ReferenceEquals(this, other) || (ByIndustry.Count == other.ByIndustry.Count && ByIndustry.All(
            e => other.ByIndustry.TryGetValue(e.Key, out var o) && o == e.Value)));

    public override bool Equals(object? obj) => Equals(obj as LayerTally);

    public override int GetHashCode() => HashCode.Combine(Counts, Crossing, ByIndustry.Count);
}

/// <summary>A region's summary: both layers. What a region reports to its parent and shows on the map.</summary>
public sealed record RegionTally(LayerTally Inherent, LayerTally Dynamic)
{
    public static readonly RegionTally Empty = new(LayerTally.Empty, LayerTally.Empty);

    public LayerTally Layer(RiskLayer layer) => layer == RiskLayer.Inherent ? Inherent : Dynamic;
}
