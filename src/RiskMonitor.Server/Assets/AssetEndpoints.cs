using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Contracts.Assets;
using RiskMonitor.Contracts.Registry;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Regions;
using RiskMonitor.Server.Alerts;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Server.Platform.Security;
using RiskMonitor.Storage.Influx;

namespace RiskMonitor.Server.Assets;

internal static class AssetEndpoints
{
    public static RouteGroupBuilder MapAssetEndpoints(this IEndpointRouteBuilder routes)
    {
        var assets = routes.MapGroup("/api/assets").WithTags("Assets");
        assets.MapGet("/", List).WithName("ListAssets")
            .WithSummary("Registered assets with their current level and colour, filterable by kind, region, industry and colour.");
        assets.MapGet("/{assetId}", Get).WithName("GetAsset")
            .WithSummary("One asset: latest values, current level, colour and its open alerts.");
        assets.MapGet("/{assetId}/series", Series).WithName("GetAssetSeries")
            .WithSummary("A metric's recent series from InfluxDB, averaged per step (default: the last hour in 30 s steps).");
        return assets;
    }

    private static async Task<Results<Ok<SeriesResponse>, ValidationProblem, ProblemHttpResult>> Series(
        string assetId, string metric, IAssetRegistry registry, ISeriesReader reader, TimeProvider time, CancellationToken cancellationToken,
        DateTimeOffset? from = null, DateTimeOffset? to = null, int? stepSeconds = null)
    {
        if (!registry.TryGet(assetId, out _))
        {
            return Problems.NotFound("Unknown asset", $"No asset '{assetId}' in the registry.");
        }

        var end = to ?? time.GetUtcNow();
        var start = from ?? end.AddHours(-1);
        var step = TimeSpan.FromSeconds(stepSeconds ?? 30);
        var errors = new Dictionary<string, string[]>();
        if (!System.Text.RegularExpressions.Regex.IsMatch(metric, "^[A-Za-z0-9_.-]{1,64}$"))
        {
            errors[nameof(metric)] = ["A metric name is [A-Za-z0-9_.-]{1,64}, e.g. ch4_lel."];
        }

        if (start >= end || end - start > TimeSpan.FromDays(31))
        {
            errors[nameof(from)] = ["from must be before to, at most 31 days apart."];
        }

        if (step < TimeSpan.FromSeconds(1) || (end - start) / step > 5000)
        {
            errors["stepSeconds"] = ["stepSeconds must be >= 1 and give at most 5000 points."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            var points = await reader.ReadAsync(assetId, metric, start, end, step, timeout.Token);
            return TypedResults.Ok(new SeriesResponse(assetId, metric, start, end, (int)step.TotalSeconds, points));
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return TypedResults.Problem("InfluxDB did not answer; readings are still being stored (spooled) and the series will be back.",
                statusCode: StatusCodes.Status503ServiceUnavailable, title: "Series unavailable");
        }
    }

    private static Results<Ok<AssetPage>, ValidationProblem> List(
        AssetQueries queries, ClaimsPrincipal user,
        string? kind = null, string? regionId = null, string? industry = null, RiskColour? minColour = null,
        int offset = 0, int limit = 500) =>
        queries.List(new AssetListFilter(kind, regionId, industry, minColour, offset, limit), user);

    private static Task<Results<Ok<AssetView>, ProblemHttpResult>> Get(string assetId, AssetQueries queries) => queries.GetAsync(assetId);
}

/// <summary>
/// An asset in a list: its level and colour from its current alerts, <c>online</c> false while its offline alert is
/// active; the same on every node of a cluster (docs/decisions/0031). The latest values and when it was last heard
/// from are in <c>GET /api/assets/{id}</c>, read from the asset's grain.
/// </summary>
internal sealed record AssetSummary(
    string AssetId, string Name, string Kind, string Industry, string RegionId, RiskColour InherentLevel,
    WarningLevel Level, RiskColour Colour, bool Online);

internal sealed record SeriesResponse(string AssetId, string Metric, DateTimeOffset From, DateTimeOffset To, int StepSeconds, IReadOnlyList<SeriesPoint> Points);

internal sealed record AssetPage(int Total, int Offset, IReadOnlyList<AssetSummary> Items);
