using System.Collections.Immutable;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using RiskMonitor.Domain.Assets;

namespace RiskMonitor.Domain.Regions;

/// <summary>A place where harm is worst (人员密集场所, 敏感目标): a school, a hospital, a kindergarten, an elderly home.</summary>
public sealed record SensitiveSite(string Id, string Name, string Kind, Geometry Geometry);

/// <summary>Why an asset's inherent colour was raised: the sites within reach, nearest first, and the colour it had.</summary>
public sealed record ConsequenceRaise(string AssetId, RiskColour RegisteredLevel, RiskColour RaisedLevel, ImmutableArray<NearbySite> Sites);

public sealed record NearbySite(string SiteId, string Name, string Kind, double DistanceM);

/// <summary>
/// Consequence raise (issue 6, 4b): an asset within <c>radiusM</c> of a sensitive site has its inherent colour raised by
/// one step (blue -> yellow -> orange -> red; red stays red), once however many sites are near: the same leak next to
/// a school harms more people, so its risk is higher. Geometries are WGS84 longitude/latitude; distances are metres
/// on a local equirectangular projection, good to well under a metre at city scale. Pure and immutable.
/// </summary>
public sealed class SensitiveSiteRule
{
    private readonly STRtree<SensitiveSite> _sites = new();
    private readonly double _radiusM;

    public SensitiveSiteRule(IEnumerable<SensitiveSite> sites, double radiusM)
    {
        ArgumentNullException.ThrowIfNull(sites);
        ArgumentOutOfRangeException.ThrowIfNegative(radiusM);
        _radiusM = radiusM;
        foreach (var site in sites)
        {
            _sites.Insert(site.Geometry.EnvelopeInternal, site);
            Count++;
        }

        _sites.Build();
    }

    public int Count { get; }

    /// <summary>The raise for this asset, or null when no site is within reach.</summary>
    public ConsequenceRaise? Evaluate(AssetDefinition asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        var near = _sites.Query(GeoDistance.Expand(asset.Geometry.EnvelopeInternal, _radiusM))
            .Select(site => new NearbySite(site.Id, site.Name, site.Kind, Math.Round(GeoDistance.Metres(asset.Geometry, site.Geometry), 1)))
            .Where(n => n.DistanceM <= _radiusM)
            .OrderBy(n => n.DistanceM).ThenBy(n => n.SiteId, StringComparer.Ordinal)
            .ToImmutableArray();
        if (near.IsEmpty)
        {
            return null;
        }

        var raised = (RiskColour)Math.Min((int)RiskColour.Red, (int)asset.InherentLevel + 1);
        return new ConsequenceRaise(asset.Id, asset.InherentLevel, raised, near);
    }
}
