using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Contracts.Assets;
using RiskMonitor.Contracts.Registry;
using RiskMonitor.Domain;
using RiskMonitor.Server.Notifications;

namespace RiskMonitor.Server.Endpoints;

public static class AssetEndpoints
{
    public static RouteGroupBuilder MapAssetEndpoints(this IEndpointRouteBuilder routes)
    {
        var assets = routes.MapGroup("/api/assets").WithTags("Assets");
        assets.MapGet("/", List).WithName("ListAssets")
            .WithSummary("Registered assets with their current level and colour, filterable by kind, region, industry and colour.");
        assets.MapGet("/{assetId}", Get).WithName("GetAsset")
            .WithSummary("One asset: latest values, current level, colour and its open alerts.");
        return assets;
    }

    private static Results<Ok<AssetPage>, ValidationProblem> List(
        IAssetRegistry registry, AlertBoard board,
        string? kind = null, string? regionId = null, string? industry = null, RiskColour? minColour = null,
        int offset = 0, int limit = 500)
    {
        if (offset < 0 || limit is < 1 or > 10_000)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["paging"] = ["offset must be >= 0 and limit between 1 and 10000."],
            });
        }

        var matches = registry.All
            .Where(a => (kind is null || a.Kind == kind) && (regionId is null || a.RegionId == regionId) && (industry is null || a.Industry == industry))
            .Select(a =>
            {
                var live = board.Asset(a.Id);
                var level = live?.Level ?? WarningLevel.None;
                return new AssetSummary(a.Id, a.Name, a.Kind, a.Industry, a.RegionId, a.InherentLevel, level,
                    RiskLevels.ColourOf(a.InherentLevel, level), live?.Online, live?.LastSeen);
            })
            .Where(a => minColour is null || a.Colour >= minColour)
            .OrderBy(a => a.AssetId, StringComparer.Ordinal)
            .ToList();
        return TypedResults.Ok(new AssetPage(matches.Count, offset, [.. matches.Skip(offset).Take(limit)]));
    }

    private static async Task<Results<Ok<AssetView>, ProblemHttpResult>> Get(string assetId, IAssetRegistry registry, IGrainFactory grains)
    {
        if (!registry.TryGet(assetId, out _))
        {
            return Problems.NotFound("Unknown asset", $"No asset '{assetId}' in the registry.");
        }

        return TypedResults.Ok(await grains.GetGrain<IAssetGrain>(assetId).GetView());
    }
}

/// <summary>An asset in a list. <c>online</c> and <c>lastSeen</c> are null until the asset has been heard from since start.</summary>
public sealed record AssetSummary(
    string AssetId, string Name, string Kind, string Industry, string RegionId, RiskColour InherentLevel,
    WarningLevel Level, RiskColour Colour, bool? Online, DateTimeOffset? LastSeen);

public sealed record AssetPage(int Total, int Offset, IReadOnlyList<AssetSummary> Items);
