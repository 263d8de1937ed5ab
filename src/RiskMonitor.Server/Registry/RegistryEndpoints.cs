using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Registry;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Server.Platform.Security;
using RiskMonitor.Storage.Registry;

namespace RiskMonitor.Server.Registry;

/// <summary>
/// The live registry over REST (issue 20 item 2, docs/decisions/0041-live-registry.md): assets and regions as GeoJSON
/// Features, created, changed (If-Match: the version read) and retired by supervisors and admins, each write checked
/// against the whole registry it would make and refused whole with problem details; the inherent level with its
/// assessment; the reassessments overdue; each layer in force exported as a FeatureCollection.
/// </summary>
internal static class RegistryEndpoints
{
    private const string GeoJsonContentType = "application/geo+json";
    private const int MaxOverdueListed = 5000;

    public static RouteGroupBuilder MapRegistryEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var registry = api.MapGroup("/api/registry").WithTags("Registry").RequireAuthorization(Policies.CityWide);
        registry.MapGet("/assets", (LiveRegistry live) => Export(live, RegistryLayer.Asset)).WithName("ExportAssets")
            .WithSummary("The assets in force as a GeoJSON FeatureCollection: the seed file with every change made over the API (the export; the seed file is the import).")
            .Produces(StatusCodes.Status200OK, contentType: GeoJsonContentType);
        registry.MapGet("/assets/{assetId}", (string assetId, LiveRegistry live, HttpResponse response) => Get(live, RegistryLayer.Asset, assetId, response))
            .WithName("GetRegistryAsset").WithSummary("An asset's registry record: its Feature, version (also the ETag), grids, and inherent level with its basis.");
        registry.MapPost("/assets", (JsonElement feature, [AsParameters] WriteContext context) => context.AnswerAsync(context.Commands.CreateAsync(RegistryLayer.Asset, feature, context.User, context.Cancellation)))
            .WithName("CreateAsset").RequireAuthorization(Policies.Supervise).WithSummary("Creates an asset from a GeoJSON Feature (properties.id names it).");
        registry.MapPut("/assets/{assetId}", (string assetId, JsonElement feature, [AsParameters] WriteContext context) =>
            context.AnswerAsync(context.Commands.ReplaceAsync(RegistryLayer.Asset, assetId, feature, context.IfMatch, context.User, context.Cancellation)))
            .WithName("UpdateAsset").RequireAuthorization(Policies.Supervise).WithSummary("Replaces the asset's Feature; If-Match names the version replaced (409 when it changed since).");
        registry.MapDelete("/assets/{assetId}", (string assetId, [AsParameters] WriteContext context) =>
            context.AnswerAsync(context.Commands.RetireAsync(RegistryLayer.Asset, assetId, context.IfMatch, context.User, context.Cancellation)))
            .WithName("RetireAsset").RequireAuthorization(Policies.Supervise).WithSummary("Retires the asset (If-Match: the version read); it stays in the change history and its id stays taken.");

        registry.MapGet("/regions", (LiveRegistry live) => Export(live, RegistryLayer.Region)).WithName("ExportRegions")
            .WithSummary("The region tree in force as a GeoJSON FeatureCollection (the seed file with every change made over the API).")
            .Produces(StatusCodes.Status200OK, contentType: GeoJsonContentType);
        registry.MapGet("/regions/{regionId}", (string regionId, LiveRegistry live, HttpResponse response) => Get(live, RegistryLayer.Region, regionId, response))
            .WithName("GetRegistryRegion").WithSummary("A region's registry record: its Feature and version (also the ETag).");
        registry.MapPost("/regions", (JsonElement feature, [AsParameters] WriteContext context) => context.AnswerAsync(context.Commands.CreateAsync(RegistryLayer.Region, feature, context.User, context.Cancellation)))
            .WithName("CreateRegion").RequireAuthorization(Policies.Supervise).WithSummary("Creates a region from a GeoJSON Feature with a Polygon (properties: id, name, level, parentId).");
        registry.MapPut("/regions/{regionId}", (string regionId, JsonElement feature, [AsParameters] WriteContext context) =>
            context.AnswerAsync(context.Commands.ReplaceAsync(RegistryLayer.Region, regionId, feature, context.IfMatch, context.User, context.Cancellation)))
            .WithName("UpdateRegion").RequireAuthorization(Policies.Supervise).WithSummary("Replaces the region's Feature; If-Match names the version replaced. A parent that would close a cycle is refused.");
        registry.MapDelete("/regions/{regionId}", (string regionId, [AsParameters] WriteContext context) =>
            context.AnswerAsync(context.Commands.RetireAsync(RegistryLayer.Region, regionId, context.IfMatch, context.User, context.Cancellation)))
            .WithName("RetireRegion").RequireAuthorization(Policies.Supervise).WithSummary("Retires a region without children (If-Match: the version read); its assets fall to the grids that remain.");

        registry.MapPost("/assets/import", (JsonElement collection, [AsParameters] WriteContext context) =>
            context.Commands.ImportAsync(RegistryLayer.Asset, collection, context.User, context.Cancellation))
            .WithName("ImportAssets").RequireAuthorization(Policies.Supervise)
            .WithSummary("Imports assets from a GeoJSON FeatureCollection (the export's shape) in one write: each Feature creates its id or replaces it; the whole is checked first and refused whole (400/409 problem details) or applied whole.");
        registry.MapPost("/regions/import", (JsonElement collection, [AsParameters] WriteContext context) =>
            context.Commands.ImportAsync(RegistryLayer.Region, collection, context.User, context.Cancellation))
            .WithName("ImportRegions").RequireAuthorization(Policies.Supervise)
            .WithSummary("Imports regions from a GeoJSON FeatureCollection in one write (create or replace each); invalid geometry, an unknown parent, a cycle or an id twice refuses the whole with problem details.");
        registry.MapPut("/assets/{assetId}/inherent-level", SetAssetInherentLevelAsync).WithName("SetInherentLevel").RequireAuthorization(Policies.Supervise)
            .WithSummary("Sets an asset's assessed inherent level with the assessment's date and assessor (and optionally pipe material and installation year); If-Match as for the asset.");
        registry.MapPut("/regions/{regionId}/inherent-level", SetRegionInherentLevelAsync).WithName("SetRegionInherentLevel").RequireAuthorization(Policies.Supervise)
            .WithSummary("Sets an area's own assessed inherent level with the assessment's date and assessor; the region (and every region above it) is coloured at least that. If-Match as for the region.");
        registry.MapGet("/reassessments", Overdue).WithName("ListOverdueReassessments")
            .WithSummary("Inherent levels due for reassessment (never assessed first, then the longest overdue): assets by kind, areas by region level (layer=asset|region to list one); 5 years unless configured.");
        return api;
    }

    /// <summary>What every write needs, bound from the request.</summary>
    public sealed record WriteContext(RegistryCommands Commands, ClaimsPrincipal User, HttpRequest Request, HttpResponse Response, CancellationToken Cancellation)
    {
        /// <summary>If-Match as sent: the version the write replaces.</summary>
        public string IfMatch => Request.Headers.IfMatch.ToString();

        /// <summary>The write's answer, its ETag (the version written) set on the response when it wrote.</summary>
        public async Task<Results<Ok<RegistryRecord>, Created<RegistryRecord>, ValidationProblem, ProblemHttpResult>> AnswerAsync(Task<RegistryWriteAnswer> write)
        {
            ArgumentNullException.ThrowIfNull(write);
            var answer = await write;
            if (answer.ETag is { } etag)
            {
                Response.Headers.ETag = etag;
            }

            return answer.Result;
        }
    }

    private static FileContentHttpResult Export(LiveRegistry live, RegistryLayer layer) =>
        TypedResults.File(Encoding.UTF8.GetBytes(live.Sources.Collection(layer, live.Overlay)), GeoJsonContentType);

    private static Results<Ok<RegistryRecord>, ProblemHttpResult> Get(LiveRegistry live, RegistryLayer layer, string id, HttpResponse response)
    {
        if (RegistryCommands.RecordOf(live, layer, id) is not { } record)
        {
            return Problems.NotFound($"Unknown {Name(layer)}", $"No {Name(layer)} '{id}' in the registry in force.");
        }

        response.Headers.ETag = RegistryCommands.ETag(record.Version);
        return TypedResults.Ok(record);
    }

    private static Task<Results<Ok<RegistryRecord>, Created<RegistryRecord>, ValidationProblem, ProblemHttpResult>> SetAssetInherentLevelAsync(
        string assetId, InherentLevelRequest request, [AsParameters] WriteContext context) =>
        context.AnswerAsync(context.Commands.SetInherentLevelAsync(RegistryLayer.Asset, assetId, request, context.IfMatch, context.User, context.Cancellation));

    private static Task<Results<Ok<RegistryRecord>, Created<RegistryRecord>, ValidationProblem, ProblemHttpResult>> SetRegionInherentLevelAsync(
        string regionId, InherentLevelRequest request, [AsParameters] WriteContext context) =>
        context.AnswerAsync(context.Commands.SetInherentLevelAsync(RegistryLayer.Region, regionId, request, context.IfMatch, context.User, context.Cancellation));

    private static Results<Ok<OverduePage>, ValidationProblem> Overdue(
        LiveRegistry live, IOptions<LiveRegistryOptions> options, TimeProvider time, int limit = 500, string? layer = null)
    {
        if (layer is not (null or "asset" or "region"))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["layer"] = ["One of: asset, region (or leave it out for both)."] });
        }

        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var assets = layer == "region" ? [] : live.Current.Registry.All.Where(a => a.Kind != Domain.Vehicles.HazmatVehicle.Kind)
            .Select(a => new Assessed(a.Id, a.Kind, a.Name, a.AssessedOn, a.Assessor, a.InherentLevel));
        // An area's period is looked up by its level (city, district, street, community, grid), as an asset's by its kind.
        var areas = layer == "asset" ? [] : live.Current.Map.Index.Regions.Where(r => r.Geometry is not null)
            .Select(r => new Assessed(r.Id, r.Level.ToString().ToLowerInvariant(), r.Name, r.Assessment?.AssessedOn, r.Assessment?.Assessor, r.Assessment?.Level));
        var due = Reassessment.Overdue(assets.Concat(areas), options.Value.ReassessEveryYearsByKind, options.Value.ReassessEveryYears, today);
        return TypedResults.Ok(new OverduePage(due.Count, [.. due.Take(Math.Clamp(limit, 1, MaxOverdueListed))]));
    }

    private static string Name(RegistryLayer layer) => RegistryCommands.Name(layer);
}

/// <summary>One feature of the registry in force. <c>version</c> 0: as the seed file has it.</summary>
internal sealed record RegistryRecord(string Id, string Layer, int Version, bool Retired, JsonElement Feature, InherentView? Inherent, IReadOnlyList<string>? Grids);

/// <summary>An asset's inherent level: as assessed, as in force after the rules, and why.</summary>
internal sealed record InherentView(RiskColour Assessed, RiskColour Level, string Basis, DateOnly? AssessedOn, string? Assessor, string? Material, int? InstalledYear);

internal sealed record InherentLevelRequest(string? Level, string? AssessedOn, string? Assessor, string? Material, int? InstalledYear);

/// <summary>What an import did: how many Features, of which created and replaced, and their ids in document order.</summary>
internal sealed record ImportResult(string Layer, int Imported, int Created, int Replaced, IReadOnlyList<string> Ids);

internal sealed record OverduePage(int Total, IReadOnlyList<ReassessmentDue> Items);
