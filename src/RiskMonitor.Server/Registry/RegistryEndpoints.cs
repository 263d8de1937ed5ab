using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Registry;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Server.Platform.Security;
using RiskMonitor.Storage.Registry;
using RiskMonitor.Storage.Responsibility;

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
    private const int MaxImported = 10_000;
    private const int MaxProblemsListed = 50;

    private static readonly JsonSerializerOptions GeometryOptions = new() { Converters = { new GeoJsonConverterFactory() } };

    public static RouteGroupBuilder MapRegistryEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var registry = api.MapGroup("/api/registry").WithTags("Registry").RequireAuthorization(Policies.CityWide);
        registry.MapGet("/assets", (LiveRegistry live) => Export(live, RegistryLayer.Asset)).WithName("ExportAssets")
            .WithSummary("The assets in force as a GeoJSON FeatureCollection: the seed file with every change made over the API (the export; the seed file is the import).")
            .Produces(StatusCodes.Status200OK, contentType: GeoJsonContentType);
        registry.MapGet("/assets/{assetId}", (string assetId, LiveRegistry live, HttpResponse response) => Get(live, RegistryLayer.Asset, assetId, response))
            .WithName("GetRegistryAsset").WithSummary("An asset's registry record: its Feature, version (also the ETag), grids, and inherent level with its basis.");
        registry.MapPost("/assets", (JsonElement feature, [AsParameters] WriteContext context) => WriteAsync(context, RegistryLayer.Asset, null, feature, retire: false))
            .WithName("CreateAsset").RequireAuthorization(Policies.Supervise).WithSummary("Creates an asset from a GeoJSON Feature (properties.id names it).");
        registry.MapPut("/assets/{assetId}", (string assetId, JsonElement feature, [AsParameters] WriteContext context) => WriteAsync(context, RegistryLayer.Asset, assetId, feature, retire: false))
            .WithName("UpdateAsset").RequireAuthorization(Policies.Supervise).WithSummary("Replaces the asset's Feature; If-Match names the version replaced (409 when it changed since).");
        registry.MapDelete("/assets/{assetId}", (string assetId, [AsParameters] WriteContext context) => WriteAsync(context, RegistryLayer.Asset, assetId, null, retire: true))
            .WithName("RetireAsset").RequireAuthorization(Policies.Supervise).WithSummary("Retires the asset (If-Match: the version read); it stays in the change history and its id stays taken.");

        registry.MapGet("/regions", (LiveRegistry live) => Export(live, RegistryLayer.Region)).WithName("ExportRegions")
            .WithSummary("The region tree in force as a GeoJSON FeatureCollection (the seed file with every change made over the API).")
            .Produces(StatusCodes.Status200OK, contentType: GeoJsonContentType);
        registry.MapGet("/regions/{regionId}", (string regionId, LiveRegistry live, HttpResponse response) => Get(live, RegistryLayer.Region, regionId, response))
            .WithName("GetRegistryRegion").WithSummary("A region's registry record: its Feature and version (also the ETag).");
        registry.MapPost("/regions", (JsonElement feature, [AsParameters] WriteContext context) => WriteAsync(context, RegistryLayer.Region, null, feature, retire: false))
            .WithName("CreateRegion").RequireAuthorization(Policies.Supervise).WithSummary("Creates a region from a GeoJSON Feature with a Polygon (properties: id, name, level, parentId).");
        registry.MapPut("/regions/{regionId}", (string regionId, JsonElement feature, [AsParameters] WriteContext context) => WriteAsync(context, RegistryLayer.Region, regionId, feature, retire: false))
            .WithName("UpdateRegion").RequireAuthorization(Policies.Supervise).WithSummary("Replaces the region's Feature; If-Match names the version replaced. A parent that would close a cycle is refused.");
        registry.MapDelete("/regions/{regionId}", (string regionId, [AsParameters] WriteContext context) => WriteAsync(context, RegistryLayer.Region, regionId, null, retire: true))
            .WithName("RetireRegion").RequireAuthorization(Policies.Supervise).WithSummary("Retires a region without children (If-Match: the version read); its assets fall to the grids that remain.");

        registry.MapPost("/assets/import", (JsonElement collection, [AsParameters] WriteContext context) => ImportAsync(context, RegistryLayer.Asset, collection))
            .WithName("ImportAssets").RequireAuthorization(Policies.Supervise)
            .WithSummary("Imports assets from a GeoJSON FeatureCollection (the export's shape) in one write: each Feature creates its id or replaces it; the whole is checked first and refused whole (400/409 problem details) or applied whole.");
        registry.MapPost("/regions/import", (JsonElement collection, [AsParameters] WriteContext context) => ImportAsync(context, RegistryLayer.Region, collection))
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
    public sealed record WriteContext(
        LiveRegistry Live, IRegistryFeatureStore Store, RegistryFollower Follower, ClaimsPrincipal User, HttpRequest Request, HttpResponse Response,
        TimeProvider Time, ILogger<RegistryFollower> Logger, CancellationToken Cancellation);

    private static FileContentHttpResult Export(LiveRegistry live, RegistryLayer layer) =>
        TypedResults.File(Encoding.UTF8.GetBytes(live.Sources.Collection(layer, live.Overlay)), GeoJsonContentType);

    private static Results<Ok<RegistryRecord>, ProblemHttpResult> Get(LiveRegistry live, RegistryLayer layer, string id, HttpResponse response)
    {
        if (RecordOf(live, layer, id) is not { } record)
        {
            return Problems.NotFound($"Unknown {Name(layer)}", $"No {Name(layer)} '{id}' in the registry in force.");
        }

        response.Headers.ETag = ETag(record.Version);
        return TypedResults.Ok(record);
    }

    private static async Task<Results<Ok<RegistryRecord>, Created<RegistryRecord>, ValidationProblem, ProblemHttpResult>> WriteAsync(
        WriteContext context, RegistryLayer layer, string? pathId, JsonElement? body, bool retire)
    {
        int? expected = null;
        if (pathId is not null)
        {
            if (!TryIfMatch(context.Request, out expected, out var refused))
            {
                return refused;
            }
        }

        string featureText;
        string id;
        if (retire)
        {
            id = pathId!;
            if (context.Live.Sources.FeaturesInForce(layer, context.Live.Overlay).FirstOrDefault(f => f.Key == id) is not { Value: not null } current)
            {
                return Problems.NotFound($"Unknown {Name(layer)}", $"No {Name(layer)} '{id}' in the registry in force.");
            }

            featureText = current.Value;
        }
        else
        {
            var problems = new Dictionary<string, string[]>();
            var checkedId = CheckFeature(body, pathId, problems);
            if (problems.Count > 0 || checkedId is null)
            {
                return TypedResults.ValidationProblem(problems);
            }

            id = checkedId;
            featureText = body!.Value.GetRawText();
        }

        var change = new RegistryFeatureChange(layer, id, featureText, retire, expected, context.Live.Sources.InSeed(layer, id), Actor(context.User), context.Time.GetUtcNow());
        var written = await context.Store.SaveAsync(change, overlay => Validate(context.Live.Sources, layer, [id], overlay), context.Cancellation);
        switch (written.Outcome)
        {
            case RegistryWriteOutcome.Saved:
                break;
            case RegistryWriteOutcome.Invalid:
                return TypedResults.ValidationProblem(written.Problems ?? new Dictionary<string, string[]>());
            case RegistryWriteOutcome.Unknown:
                return Problems.NotFound($"Unknown {Name(layer)}", $"No {Name(layer)} '{id}' in force: create it with POST (a retired id stays taken).");
            case RegistryWriteOutcome.Exists:
                return Problems.Conflict($"{Title(layer)} exists", $"'{id}' is already registered (version {written.Version}); change it with PUT and If-Match.");
            default:
                return Problems.Conflict("Changed since you read it", $"'{id}' is at version {written.Version}, not {expected}: read it again and redo the change.");
        }

        // In force here at once; the other nodes take it at their next poll.
        await context.Follower.RefreshAsync(context.Cancellation);
        RegistryLog.Changed(context.Logger, Name(layer), id, retire ? "retired" : expected is null ? "created" : "changed", Actor(context.User), written.Version);
        context.Response.Headers.ETag = ETag(written.Version);
        using var feature = JsonDocument.Parse(featureText);
        var record = RecordOf(context.Live, layer, id) ?? new RegistryRecord(id, Name(layer), written.Version, retire, feature.RootElement.Clone(), null, null);
        var path = $"/api/registry/{(layer == RegistryLayer.Asset ? "assets" : "regions")}/{Uri.EscapeDataString(id)}";
        return expected is null ? TypedResults.Created(path, record) : TypedResults.Ok(record);
    }

    /// <summary>
    /// A FeatureCollection in one write (issue 20 item 2). Every Feature is checked alone first (shape, id, geometry) and
    /// the ids must be distinct; then the store checks each against what is in force and the registry the whole would
    /// make, inside one transaction. Nothing is applied unless everything is.
    /// </summary>
    private static async Task<Results<Ok<ImportResult>, ValidationProblem, ProblemHttpResult>> ImportAsync(WriteContext context, RegistryLayer layer, JsonElement collection)
    {
        if (collection.ValueKind != JsonValueKind.Object || !collection.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String
            || type.GetString() != "FeatureCollection" || !collection.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["Send one GeoJSON FeatureCollection: {\"type\":\"FeatureCollection\",\"features\":[...]}."] });
        }

        var count = features.GetArrayLength();
        if (count is 0 or > MaxImported)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["features"] = [$"Between 1 and {MaxImported} Features in one import."] });
        }

        var problems = new Dictionary<string, string[]>();
        var firstIndexOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var changes = new List<RegistryFeatureChange>(count);
        var (actor, at) = (Actor(context.User), context.Time.GetUtcNow());
        var index = 0;
        foreach (var feature in features.EnumerateArray())
        {
            var own = new Dictionary<string, string[]>();
            if (CheckFeature(feature, null, own) is { } id)
            {
                if (!firstIndexOf.TryAdd(id, index))
                {
                    own["id"] = [$"'{id}' is also features[{firstIndexOf[id]}]: an id once per import."];
                }
                else
                {
                    changes.Add(new RegistryFeatureChange(layer, id, feature.GetRawText(), false, null, context.Live.Sources.InSeed(layer, id), actor, at, Replace: true));
                }
            }

            // Every feature's problems, up to a readable number, so one answer shows what to fix.
            foreach (var (field, messages) in own.Where(_ => problems.Count < MaxProblemsListed))
            {
                problems[$"features[{index}].{field}"] = messages;
            }

            index++;
        }

        if (problems.Count > 0)
        {
            return TypedResults.ValidationProblem(problems);
        }

        var inForce = context.Live.Sources.FeaturesInForce(layer, context.Live.Overlay).Select(f => f.Key).ToHashSet(StringComparer.Ordinal);
        var written = await context.Store.SaveAllAsync(changes, overlay => Validate(context.Live.Sources, layer, firstIndexOf.Keys, overlay), context.Cancellation);
        switch (written.Outcome)
        {
            case RegistryWriteOutcome.Saved:
                break;
            case RegistryWriteOutcome.Invalid:
                return TypedResults.ValidationProblem(written.Problems ?? new Dictionary<string, string[]>());
            default:
                // Replace refuses only a retired id: it stays taken (its history names it).
                return Problems.Conflict($"{Title(layer)} retired", $"'{written.Id}' (features[{firstIndexOf.GetValueOrDefault(written.Id ?? "")}]) was retired and its id stays taken; nothing was imported.");
        }

        await context.Follower.RefreshAsync(context.Cancellation);
        var created = changes.Count(c => !inForce.Contains(c.Id));
        RegistryLog.Imported(context.Logger, Name(layer), changes.Count, created, actor);
        return TypedResults.Ok(new ImportResult(Name(layer), changes.Count, created, changes.Count - created, [.. changes.Select(c => c.Id)]));
    }

    private static Task<Results<Ok<RegistryRecord>, Created<RegistryRecord>, ValidationProblem, ProblemHttpResult>> SetAssetInherentLevelAsync(
        string assetId, InherentLevelRequest request, [AsParameters] WriteContext context) => SetInherentLevelAsync(context, RegistryLayer.Asset, assetId, request);

    private static Task<Results<Ok<RegistryRecord>, Created<RegistryRecord>, ValidationProblem, ProblemHttpResult>> SetRegionInherentLevelAsync(
        string regionId, InherentLevelRequest request, [AsParameters] WriteContext context) => SetInherentLevelAsync(context, RegistryLayer.Region, regionId, request);

    /// <summary>
    /// The assessed inherent level of an asset or an area, with the assessment's date and assessor: a change of the
    /// feature's properties, written (validated, versioned, audited) like any other change of it.
    /// </summary>
    private static async Task<Results<Ok<RegistryRecord>, Created<RegistryRecord>, ValidationProblem, ProblemHttpResult>> SetInherentLevelAsync(
        WriteContext context, RegistryLayer layer, string id, InherentLevelRequest request)
    {
        if (context.Live.Sources.FeaturesInForce(layer, context.Live.Overlay).FirstOrDefault(f => f.Key == id) is not { Value: not null } current)
        {
            return Problems.NotFound($"Unknown {Name(layer)}", $"No {Name(layer)} '{id}' in the registry in force.");
        }

        var problems = new Dictionary<string, string[]>();
        if (request is null || !Enum.TryParse<RiskColour>(request.Level, ignoreCase: true, out var level) || !Enum.IsDefined(level) || int.TryParse(request.Level, out _))
        {
            problems["level"] = ["One of: blue, yellow, orange, red."];
            return TypedResults.ValidationProblem(problems);
        }

        if (!DateOnly.TryParseExact(request.AssessedOn, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var assessedOn)
            || assessedOn > DateOnly.FromDateTime(context.Time.GetUtcNow().UtcDateTime))
        {
            problems["assessedOn"] = ["The assessment's date, yyyy-MM-dd, not in the future."];
        }

        if (string.IsNullOrWhiteSpace(request.Assessor) || request.Assessor.Length > 200)
        {
            problems["assessor"] = ["Who assessed it (a person or an assessment body), up to 200 characters."];
        }

        if (layer == RegistryLayer.Region && (request.Material is not null || request.InstalledYear is not null))
        {
            problems["material"] = ["Material and installation year belong to an asset (a pipeline), not to an area."];
        }

        if (problems.Count > 0)
        {
            return TypedResults.ValidationProblem(problems);
        }

        var feature = JsonNode.Parse(current.Value)!.AsObject();
        var properties = feature["properties"] as JsonObject ?? [];
        feature["properties"] = properties;
        properties["inherentLevel"] = level.ToString().ToLowerInvariant();
        properties["assessedOn"] = assessedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        properties["assessor"] = request.Assessor!.Trim();
        if (request.Material is not null)
        {
            properties["material"] = request.Material.Trim();
        }

        if (request.InstalledYear is not null)
        {
            properties["installedYear"] = request.InstalledYear;
        }

        using var document = JsonDocument.Parse(feature.ToJsonString());
        return await WriteAsync(context, layer, id, document.RootElement.Clone(), retire: false);
    }

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

    /// <summary>The refusal of the overlay a write would make, checked against the whole registry (inside the write).</summary>
    private static Dictionary<string, string[]>? Validate(RegistrySources sources, RegistryLayer layer, IEnumerable<string> ids, RegistryOverlay overlay)
    {
        try
        {
            if (layer == RegistryLayer.Region)
            {
                var parents = sources.ParentsInForce(overlay);
                foreach (var id in ids)
                {
                    if (parents.TryGetValue(id, out var parent) && RegionTreeCheck.CycleThrough(id, parent, p => parents.GetValueOrDefault(p)) is { } cycle)
                    {
                        return new() { ["parentId"] = [$"Parent '{parent}' of '{id}' would close a cycle in the region tree: {string.Join(" -> ", cycle)}."] };
                    }
                }

                sources.Regions(overlay);
            }
            else
            {
                sources.Assets(overlay);
            }

            return null;
        }
        catch (RegistryException ex)
        {
            return new() { ["feature"] = [ex.Message] };
        }
    }

    /// <summary>The feature's id when it is a GeoJSON Feature with a usable geometry; else null, with the problems.</summary>
    private static string? CheckFeature(JsonElement? body, string? pathId, Dictionary<string, string[]> problems)
    {
        if (body is not { ValueKind: JsonValueKind.Object } feature || !feature.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "Feature")
        {
            problems["body"] = ["Send one GeoJSON Feature: {\"type\":\"Feature\",\"geometry\":{...},\"properties\":{\"id\":...}}."];
            return null;
        }

        var id = RegistrySources.IdOf(feature);
        if (id is null || !GeoJsonAssetRegistry.AssetIdPattern().IsMatch(id))
        {
            problems["id"] = ["properties.id must match [A-Za-z0-9._-]{1,64}."];
            return null;
        }

        if (pathId is not null && id != pathId)
        {
            problems["id"] = [$"properties.id '{id}' is not the '{pathId}' of the path."];
            return null;
        }

        Geometry? geometry;
        try
        {
            geometry = feature.TryGetProperty("geometry", out var g) ? g.Deserialize<Geometry>(GeometryOptions) : null;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException or FormatException or IndexOutOfRangeException or NotSupportedException)
        {
            // NetTopologySuite refuses a ring whose first and last points differ before any check of ours can run.
            problems["geometry"] = [$"Not a usable GeoJSON geometry: {ex.Message} (a polygon's rings must be closed: first point = last point)."];
            return null;
        }

        if (GeometryCheck.Problems(geometry) is { Count: > 0 } geometryProblems)
        {
            problems["geometry"] = [.. geometryProblems];
            return null;
        }

        return id;
    }

    private static RegistryRecord? RecordOf(LiveRegistry live, RegistryLayer layer, string id)
    {
        var overlay = live.Overlay;
        if (live.Sources.FeaturesInForce(layer, overlay).FirstOrDefault(f => f.Key == id) is not { Value: not null } feature)
        {
            return null;
        }

        var version = overlay.Features.FirstOrDefault(f => f.Layer == layer && f.Id == id)?.Version ?? 0;
        using var document = JsonDocument.Parse(feature.Value);
        InherentView? inherent = null;
        IReadOnlyList<string>? grids = null;
        if (layer == RegistryLayer.Asset && live.Current.Registry.TryGet(id, out var asset))
        {
            grids = asset.ReportingGrids;
            inherent = asset.InherentBasis is { } basis
                ? new InherentView(basis.Assessed, asset.InherentLevel, basis.Basis, asset.AssessedOn, asset.Assessor, asset.Material, asset.InstalledYear)
                : new InherentView(asset.InherentLevel, asset.InherentLevel, "as registered", asset.AssessedOn, asset.Assessor, asset.Material, asset.InstalledYear);
        }
        else if (layer == RegistryLayer.Region && live.Current.Map.Index.TryGet(id, out var region) && region.Assessment?.Level is { } assessed)
        {
            var level = live.Current.Map.Index.AreaLevelOf(id) ?? assessed;
            var basis = level == assessed ? "as assessed" : "raised by an area within it assessed " + level.ToString().ToLowerInvariant();
            inherent = new InherentView(assessed, level, basis, region.Assessment.AssessedOn, region.Assessment.Assessor, null, null);
        }

        return new RegistryRecord(id, Name(layer), version, false, document.RootElement.Clone(), inherent, grids);
    }

    private static bool TryIfMatch(HttpRequest request, out int? version, out ProblemHttpResult refused)
    {
        version = null;
        refused = null!;
        var header = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            refused = TypedResults.Problem("Send If-Match with the version you read (the ETag of GET), so a change made since is not overwritten.",
                statusCode: StatusCodes.Status428PreconditionRequired, title: "If-Match required");
            return false;
        }

        var text = header.Trim();
        text = text.StartsWith("W/", StringComparison.Ordinal) ? text[2..] : text;
        if (!int.TryParse(text.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            refused = TypedResults.Problem("If-Match must be one version as the ETag gives it, e.g. \"3\".", statusCode: StatusCodes.Status400BadRequest, title: "Bad If-Match");
            return false;
        }

        version = parsed;
        return true;
    }

    private static string ETag(int version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    private static string Name(RegistryLayer layer) => layer == RegistryLayer.Asset ? "asset" : "region";

    private static string Title(RegistryLayer layer) => layer == RegistryLayer.Asset ? "Asset" : "Region";

    private static string Actor(ClaimsPrincipal user) => user.Identity?.Name ?? "unknown";
}

/// <summary>One feature of the registry in force. <c>version</c> 0: as the seed file has it.</summary>
internal sealed record RegistryRecord(string Id, string Layer, int Version, bool Retired, JsonElement Feature, InherentView? Inherent, IReadOnlyList<string>? Grids);

/// <summary>An asset's inherent level: as assessed, as in force after the rules, and why.</summary>
internal sealed record InherentView(RiskColour Assessed, RiskColour Level, string Basis, DateOnly? AssessedOn, string? Assessor, string? Material, int? InstalledYear);

internal sealed record InherentLevelRequest(string? Level, string? AssessedOn, string? Assessor, string? Material, int? InstalledYear);

/// <summary>What an import did: how many Features, of which created and replaced, and their ids in document order.</summary>
internal sealed record ImportResult(string Layer, int Imported, int Created, int Replaced, IReadOnlyList<string> Ids);

internal sealed record OverduePage(int Total, IReadOnlyList<ReassessmentDue> Items);
