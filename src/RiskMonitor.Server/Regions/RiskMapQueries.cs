using System.Buffers;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Contracts.Registry;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Regions;
using RiskMonitor.Server.Alerts;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Server.Platform.Orleans;
using RiskMonitor.Server.Platform.Security;

namespace RiskMonitor.Server.Regions;

/// <summary>The filters of <c>GET /api/map/assets</c>, as they arrive in the query string.</summary>
internal sealed record AssetMapFilter(string? RegionId = null, string? Kind = null, string? Industry = null, string? Layer = null);

/// <summary>
/// The assets layer of the risk map: the registry in force cut to the filters and the caller's regions, each asset with
/// its inherent and live colour and why a sensitive site raised it, written straight to GeoJSON (a city's worth of
/// features, so no intermediate objects). Made per request (transient): the map and data are the ones in force then.
/// </summary>
internal sealed class RiskMapQueries(RegionMap map, IAssetRegistry registry, AlertReadModel alerts, RiskMapData data, ICallerAccess access, IGrainGateway grains)
{
    public Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult> Assets(AssetMapFilter filter, ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var (regionId, kind, industry, layer) = (filter.RegionId, filter.Kind, filter.Industry, filter.Layer);
        var errors = new Dictionary<string, string[]>();
        var riskLayer = RiskMapEndpoints.ParseLayer(layer, errors);
        RiskMapEndpoints.CheckIndustry(industry, registry, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (regionId is not null && !map.IsKnown(regionId))
        {
            return Problems.NotFound("Unknown region", $"No region '{regionId}'.");
        }

        var output = new ArrayBufferWriter<byte>(256 * 1024);
        using (var w = new Utf8JsonWriter(output))
        {
            RiskMapEndpoints.StartCollection(w);
            var scope = access.ScopeOf(user);
            foreach (var asset in registry.All.OrderBy(a => a.Id, StringComparer.Ordinal))
            {
                if ((kind is not null && asset.Kind != kind) || (industry is not null && asset.Industry != industry)
                    || (regionId is not null && !map.IsAssetWithin(asset.Id, regionId)) || !access.CanSeeAsset(scope, asset.Id))
                {
                    continue;
                }

                var level = alerts.LevelOf(asset.Id);
                var dynamic = RiskLevels.ColourOf(asset.InherentLevel, level);
                w.WriteStartObject();
                w.WriteString("type", "Feature");
                w.WriteString("id", asset.Id);
                RiskMapEndpoints.WriteGeometry(w, asset.Geometry);
                w.WriteStartObject("properties");
                w.WriteString("assetId", asset.Id);
                w.WriteString("name", asset.Name);
                w.WriteString("kind", asset.Kind);
                w.WriteString("industry", asset.Industry);
                w.WriteString("regionId", asset.RegionId);
                w.WriteStartArray("grids");
                foreach (var grid in asset.ReportingGrids)
                {
                    w.WriteStringValue(grid);
                }

                w.WriteEndArray();
                w.WriteString("layer", RiskMapEndpoints.Snake(riskLayer));
                RiskMapEndpoints.WriteColour(w, "colour", riskLayer == RiskLayer.Inherent ? asset.InherentLevel : dynamic);
                RiskMapEndpoints.WriteColour(w, "inherentColour", asset.InherentLevel);
                w.WriteString("level", RiskMapEndpoints.Snake(level));
                RiskMapEndpoints.WriteColour(w, "dynamicColour", dynamic);
                if (data.Raises.TryGetValue(asset.Id, out var raise))
                {
                    // The explanation travels with the colour: which sites, how near, and the registry's own level.
                    w.WriteStartObject("consequence");
                    RiskMapEndpoints.WriteColour(w, "registeredLevel", raise.RegisteredLevel);
                    RiskMapEndpoints.WriteColour(w, "raisedLevel", raise.RaisedLevel);
                    w.WriteString("reason", "within reach of a sensitive site: inherent colour raised one step");
                    w.WriteStartArray("sites");
                    foreach (var site in raise.Sites)
                    {
                        w.WriteStartObject();
                        w.WriteString("siteId", site.SiteId);
                        w.WriteString("name", site.Name);
                        w.WriteString("kind", site.Kind);
                        w.WriteNumber("distanceM", site.DistanceM);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                    w.WriteEndObject();
                }

                w.WriteEndObject();
                w.WriteEndObject();
            }

            RiskMapEndpoints.EndCollection(w);
        }

        return TypedResults.File(output.WrittenSpan.ToArray(), RiskMapEndpoints.GeoJsonContentType);
    }

    /// <summary><c>GET /api/regions/{regionId}</c>: one region and its children, as their grains hold them (the source of truth for a few regions).</summary>
    public async Task<Results<Ok<RegionJson>, ProblemHttpResult>> RegionAsync(string regionId)
    {
        if (!map.IsKnown(regionId))
        {
            return Problems.NotFound("Unknown region", $"No region '{regionId}'.");
        }

        var summary = grains.RegionSummaryAsync(regionId);
        var children = await Task.WhenAll(map.Index.ChildrenOf(regionId).Select(grains.RegionSummaryAsync));
        return TypedResults.Ok(RegionJson.From(await summary, [.. children.Select(c => RegionJson.From(c))]));
    }
}
