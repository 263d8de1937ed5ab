using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;
using RiskMonitor.Contracts.Registry;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Regions;
using RiskMonitor.Domain.Sites;
using RiskMonitor.Server.Alerts;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Server.Platform.Security;
using RiskMonitor.Storage.Registry;

namespace RiskMonitor.Server.Sites;

/// <summary>The registry's site properties (一图一牌三清单 inputs), read once at start.</summary>
internal sealed record SiteProfiles(IReadOnlyDictionary<string, SiteProfile> ById);

/// <summary>一图一牌三清单 per major hazard source / enterprise site (issue 6, item 5): JSON and a printable page.</summary>
internal static class SiteBoardEndpoints
{
    public static IEndpointRouteBuilder MapSiteBoardEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/sites/{assetId}/board", Board).WithTags("Sites").WithName("GetSiteBoard")
            .WithSummary("一图一牌三清单 of a hazard source or enterprise site: map extract, risk notice board, responsibility / control-measures / emergency-response lists, with live colours.");
        routes.MapGet("/sites/{assetId}/board", () =>
            Results.File(Path.Combine(AppContext.BaseDirectory, "wwwroot", "site-board.html"), "text/html; charset=utf-8")).ExcludeFromDescription()
            .AllowAnonymous(); // the page is public; the board it shows comes from the API with the reader's token
        return routes;
    }

    private static Results<Ok<SiteBoardJson>, ValidationProblem, ProblemHttpResult> Board(
        string assetId, SiteBoardQueries queries, ClaimsPrincipal user, double? radiusM = null) =>
        queries.Board(assetId, radiusM, user);
}

/// <summary>The board on the wire: the domain board with geometries as GeoJSON-style type and coordinates.</summary>
internal sealed record SiteBoardJson(
    string AssetId, string Name, string Kind, string? OwnerUnit, string? HazardGrade, string RegionId, DateTimeOffset GeneratedAt,
    SiteMapJson Map, RiskNoticeBoard NoticeBoard, IReadOnlyList<ResponsibilityEntry> ResponsibilityList,
    IReadOnlyList<ControlMeasureEntry> ControlMeasureList, IReadOnlyList<EmergencyResponseEntry> EmergencyResponseList)
{
    public static SiteBoardJson From(SiteBoard board, DateTimeOffset generatedAt)
    {
        ArgumentNullException.ThrowIfNull(board);
        var m = board.Map;
        return new(board.AssetId, board.Name, board.Kind, board.OwnerUnit, board.HazardGrade, board.RegionId, generatedAt,
            new SiteMapJson(m.CentreLon, m.CentreLat, m.RadiusM, BoardAssetJson.From(m.Site), [.. m.Nearby.Select(BoardAssetJson.From)]),
            board.NoticeBoard, board.ResponsibilityList, board.ControlMeasureList, board.EmergencyResponseList);
    }
}

internal sealed record SiteMapJson(double CentreLon, double CentreLat, double RadiusM, BoardAssetJson Site, IReadOnlyList<BoardAssetJson> Nearby);

internal sealed record BoardAssetJson(
    string AssetId, string Name, string Kind, string Industry, RiskColour InherentColour, WarningLevel Level, RiskColour Colour, double DistanceM,
    GeometryJson Geometry)
{
    public static BoardAssetJson From(BoardAsset a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return new(a.AssetId, a.Name, a.Kind, a.Industry, a.InherentColour, a.Level, a.Colour, a.DistanceM, GeometryJson.From(a.Geometry));
    }
}

/// <summary>Points and lines only (the registry's asset geometries): <c>coordinates</c> is a list of [lon, lat].</summary>
internal sealed record GeometryJson(string Type, IReadOnlyList<double[]> Coordinates)
{
    public static GeometryJson From(Geometry geometry)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        return new(geometry.GeometryType, [.. geometry.Coordinates.Select(c => new[] { c.X, c.Y })]);
    }
}
