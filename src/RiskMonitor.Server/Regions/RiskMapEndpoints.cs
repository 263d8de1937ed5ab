using System.Buffers;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;
using RiskMonitor.Contracts.Regions;
using RiskMonitor.Contracts.Registry;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Regions;
using RiskMonitor.Server.Alerts;
using RiskMonitor.Server.Incidents;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Server.Platform.Security;
using RiskMonitor.Server.Regions;

namespace RiskMonitor.Server.Regions;

/// <summary>The four-colour risk map (DESIGN.md §5): regions and assets as GeoJSON with their colours, region summaries.</summary>
internal static class RiskMapEndpoints
{
    internal const string GeoJsonContentType = "application/geo+json";

    private static readonly JsonSerializerOptions GeometryOptions = new() { Converters = { new GeoJsonConverterFactory() } };

    public static IEndpointRouteBuilder MapRiskMapEndpoints(this IEndpointRouteBuilder routes)
    {
        var map = routes.MapGroup("/api/map").WithTags("Risk map");
        map.MapGet("/regions", Regions).WithName("GetRegionMap")
            .WithSummary("Regions of one level as a GeoJSON FeatureCollection with their colour and counts, for one layer and optionally one industry.")
            .Produces(StatusCodes.Status200OK, contentType: GeoJsonContentType);
        map.MapGet("/assets", Assets).WithName("GetAssetMap")
            .WithSummary("Assets as a GeoJSON FeatureCollection with their colour, filterable by region (any level), kind and industry.")
            .Produces(StatusCodes.Status200OK, contentType: GeoJsonContentType);
        map.MapGet("/base", BaseMap).WithName("GetBaseMap")
            .WithSummary("The base map under the grid colours (Registry:BaseMapPath): streets, water, parks, landmarks and district labels as GeoJSON; empty when none is configured.")
            .Produces(StatusCodes.Status200OK, contentType: GeoJsonContentType);
        map.MapGet("/unassigned", Unassigned).WithName("ListUnassignedAssets").RequireAuthorization(Policies.CityWide)
            .WithSummary("Assets outside every grid (kept in region 'unassigned') and assets outside the region the registry names.");

        routes.MapGet("/api/incidents", Incidents).WithTags("Risk map").WithName("ListIncidents")
            .WithSummary("Current alerts grouped into incidents: assets within distanceM (default 200 m) raised within windowMinutes (default 10).");

        var regions = routes.MapGroup("/api/regions").WithTags("Risk map");
        regions.MapGet("/{regionId}", Region).WithName("GetRegion")
            .WithSummary("A region's summary (both layers, counts per colour and industry) with its children's.");
        return routes;
    }

    private static Results<FileContentHttpResult, ValidationProblem> Regions(
        RegionMap map, RegionReadModel board, IAssetRegistry registry, ClaimsPrincipal user, AccessControl access,
        string? level = null, string? industry = null, string? layer = null)
    {
        var errors = new Dictionary<string, string[]>();
        var regionLevel = ParseLevel(level ?? "district", errors);
        var riskLayer = ParseLayer(layer, errors);
        CheckIndustry(industry, registry, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var output = new ArrayBufferWriter<byte>(64 * 1024);
        using (var w = new Utf8JsonWriter(output))
        {
            StartCollection(w);
            // A caller scoped to regions gets the polygons of their regions and below: a parent's colour sums up
            // assets they may not see.
            var scope = access.ScopeOf(user);
            foreach (var region in map.Index.Regions.Where(r => r.Level == regionLevel && r.Geometry is not null && access.CanSeeRegion(scope, r.Id))
                         .OrderBy(r => r.Id, StringComparer.Ordinal))
            {
                var tally = board.TallyOf(region.Id);
                var shown = tally.Layer(riskLayer);
                w.WriteStartObject();
                w.WriteString("type", "Feature");
                w.WriteString("id", region.Id);
                WriteGeometry(w, region.Geometry!);
                w.WriteStartObject("properties");
                w.WriteString("regionId", region.Id);
                w.WriteString("name", region.Name);
                w.WriteString("level", Snake(region.Level));
                WriteNullable(w, "parentId", region.ParentId);
                if (region.Supervisor is { } supervisor)
                {
                    w.WriteString("supervisorName", supervisor.Name);
                    WriteNullable(w, "supervisorPhone", supervisor.Phone);
                }

                w.WriteString("layer", Snake(riskLayer));
                WriteNullable(w, "industry", industry);
                // The area's own assessed level is not an industry's: one industry's view shows that industry's assets only.
                var area = industry is null ? map.Index.AreaLevelOf(region.Id) : null;
                var (colour, counts) = industry is null
                    ? (RiskLevels.Max(shown.Highest, area), shown.Counts)
                    : (shown.HighestOf(industry), shown.ByIndustry.GetValueOrDefault(industry).Counted);
                WriteColour(w, "colour", colour);
                WriteColour(w, "inherentColour", industry is null ? RiskLevels.Max(tally.Inherent.Highest, area) : tally.Inherent.HighestOf(industry));
                WriteColour(w, "dynamicColour", industry is null ? RiskLevels.Max(tally.Dynamic.Highest, area) : tally.Dynamic.HighestOf(industry));
                WriteColour(w, "areaLevel", area);
                WriteCounts(w, counts);
                w.WriteEndObject();
                w.WriteEndObject();
            }

            EndCollection(w);
        }

        return TypedResults.File(output.WrittenSpan.ToArray(), GeoJsonContentType);
    }

    private static Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult> Assets(
        RiskMapQueries queries, ClaimsPrincipal user, string? regionId = null, string? kind = null, string? industry = null, string? layer = null) =>
        queries.Assets(new AssetMapFilter(regionId, kind, industry, layer), user);

    private static readonly byte[] EmptyFeatureCollection = """{"type":"FeatureCollection","features":[]}"""u8.ToArray();

    private static async Task<FileContentHttpResult> BaseMap(
        IOptions<RegistryOptions> registry, IWebHostEnvironment environment, CancellationToken cancellationToken)
    {
        // Read on each call: the wall asks once per page load, and an operator may replace the file without a restart.
        // No file is a city without a base map, not an error: the wall then draws the grids on their own.
        var path = RegistryOptions.Resolve(registry.Value.BaseMapPath, environment.ContentRootPath);
        return TypedResults.File(File.Exists(path) ? await File.ReadAllBytesAsync(path, cancellationToken) : EmptyFeatureCollection, GeoJsonContentType);
    }

    private static Ok<UnassignedAssets> Unassigned(RegionMap map) => TypedResults.Ok(new UnassignedAssets(
        [.. map.Unassigned.Select(p => new PlacementJson(p.AssetId, p.StatedRegionId, p.Grids))],
        [.. map.Placements.Where(p => p.Source == PlacementSource.GeometryOutsideStatedRegion).Select(p => new PlacementJson(p.AssetId, p.StatedRegionId, p.Grids))]));

    private static Results<Ok<IReadOnlyList<IncidentJson>>, ValidationProblem> Incidents(
        AlertReadModel alerts, IAssetRegistry registry, ClaimsPrincipal user, AccessControl access, double distanceM = 200, double windowMinutes = 10, bool? active = true, int minAlerts = 1)
    {
        if (distanceM is < 0 or > 10_000 || windowMinutes is < 0 or > 1440 || minAlerts < 1)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["query"] = ["distanceM is 0-10000, windowMinutes 0-1440, minAlerts at least 1."],
            });
        }

        // Computed from the current alerts on each call: cheap for the hundreds an operator can act on, and always
        // consistent with the alert list. Not durable: an incident's id is its first alert's id.
        var scope = access.ScopeOf(user);
        IReadOnlyList<IncidentJson> incidents = [.. CurrentGrouping.Compute(
                alerts, registry, a => (active is null || a.ConditionActive == active) && access.CanSeeAsset(scope, a.AssetId), distanceM, TimeSpan.FromMinutes(windowMinutes))
            .Where(i => i.Alerts.Length >= minAlerts)
            .Select(i => new IncidentJson(i.IncidentId, i.Severity, i.FirstRaisedAt, i.LastRaisedAt, i.Alerts.Length,
                [.. i.Alerts.Select(a => a.AlertId)], [.. i.Alerts.Select(a => a.AssetId).Distinct()]))];
        return TypedResults.Ok(incidents);
    }

    private static Task<Results<Ok<RegionJson>, ProblemHttpResult>> Region(string regionId, RiskMapQueries queries) => queries.RegionAsync(regionId);

    private static RegionLevel ParseLevel(string text, Dictionary<string, string[]> errors)
    {
        if (Enum.TryParse<RegionLevel>(text, ignoreCase: true, out var level) && Enum.IsDefined(level) && !char.IsDigit(text[0]))
        {
            return level;
        }

        errors["level"] = [$"'{text}' is not one of city, district, street, community, grid."];
        return default;
    }

    internal static RiskLayer ParseLayer(string? text, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            return RiskLayer.Dynamic;
        }

        if (Enum.TryParse<RiskLayer>(text, ignoreCase: true, out var layer) && Enum.IsDefined(layer) && !char.IsDigit(text[0]))
        {
            return layer;
        }

        errors["layer"] = [$"'{text}' is not one of inherent, dynamic."];
        return default;
    }

    internal static void CheckIndustry(string? industry, IAssetRegistry registry, Dictionary<string, string[]> errors)
    {
        if (industry is not null && !registry.All.Any(a => a.Industry == industry))
        {
            errors["industry"] = [$"No asset has industry '{industry}'. Known: {string.Join(", ", registry.All.Select(a => a.Industry).Distinct().Order(StringComparer.Ordinal))}."];
        }
    }

    internal static void StartCollection(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("type", "FeatureCollection");
        w.WriteStartArray("features");
    }

    internal static void EndCollection(Utf8JsonWriter w)
    {
        w.WriteEndArray();
        w.WriteEndObject();
    }

    internal static void WriteGeometry(Utf8JsonWriter w, Geometry geometry)
    {
        w.WritePropertyName("geometry");
        JsonSerializer.Serialize(w, geometry, GeometryOptions);
    }

    private static void WriteCounts(Utf8JsonWriter w, ColourCounts counts)
    {
        w.WriteStartObject("counts");
        w.WriteNumber("red", counts.Red);
        w.WriteNumber("orange", counts.Orange);
        w.WriteNumber("yellow", counts.Yellow);
        w.WriteNumber("blue", counts.Blue);
        w.WriteNumber("total", counts.Total);
        w.WriteEndObject();
    }

    internal static void WriteColour(Utf8JsonWriter w, string name, RiskColour? colour)
    {
        if (colour is { } c)
        {
            w.WriteString(name, Snake(c));
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    internal static string Snake<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}

/// <summary>Assets the region file does not place where the registry says, for the data steward to fix.</summary>
internal sealed record UnassignedAssets(IReadOnlyList<PlacementJson> OutsideEveryGrid, IReadOnlyList<PlacementJson> OutsideStatedRegion);

internal sealed record PlacementJson(string AssetId, string? StatedRegionId, IReadOnlyList<string> Grids);

/// <summary>Alerts that belong together (nearby assets, close in time); <c>incidentId</c> is its first alert's id.</summary>
internal sealed record IncidentJson(
    string IncidentId, WarningLevel Severity, DateTimeOffset FirstRaisedAt, DateTimeOffset LastRaisedAt, int AlertCount,
    IReadOnlyList<string> AlertIds, IReadOnlyList<string> AssetIds);
