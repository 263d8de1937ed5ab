using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Registry;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Storage.Registry;
using RiskMonitor.Storage.Responsibility;

namespace RiskMonitor.Server.Registry;

/// <summary>
/// Writes to the live registry (docs/decisions/0041-live-registry.md): a feature created, replaced (If-Match: the version
/// read) or retired, a FeatureCollection imported, an inherent level set. Each write is checked alone (shape, id,
/// geometry), then by the store against the whole registry it would make (the region tree's cycles, the parsers' rules)
/// and refused whole with problem details; saved, it is versioned and audited by the store and put in force on this node
/// at once through <see cref="RegistryFollower.RefreshAsync"/>. Talks to <see cref="LiveRegistry"/>, the store and the
/// follower only, so it is tested on the in-memory store. Logs under <see cref="RegistryFollower"/>'s category, as the
/// handlers did.
/// </summary>
internal sealed class RegistryCommands(
    LiveRegistry live, IRegistryFeatureStore store, RegistryFollower follower, TimeProvider time, ILogger<RegistryFollower> logger)
{
    private const int MaxImported = 10_000;
    private const int MaxProblemsListed = 50;

    private static readonly JsonSerializerOptions GeometryOptions = new() { Converters = { new GeoJsonConverterFactory() } };

    public Task<RegistryWriteAnswer> CreateAsync(RegistryLayer layer, JsonElement? feature, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        WriteAsync(layer, null, feature, retire: false, null, user, cancellationToken);

    /// <param name="ifMatch">The request's If-Match header as sent: the version replaced.</param>
    public Task<RegistryWriteAnswer> ReplaceAsync(
        RegistryLayer layer, string id, JsonElement? feature, string? ifMatch, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        WriteAsync(layer, id, feature, retire: false, ifMatch, user, cancellationToken);

    public Task<RegistryWriteAnswer> RetireAsync(RegistryLayer layer, string id, string? ifMatch, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        WriteAsync(layer, id, null, retire: true, ifMatch, user, cancellationToken);

    private async Task<RegistryWriteAnswer> WriteAsync(
        RegistryLayer layer, string? pathId, JsonElement? body, bool retire, string? ifMatch, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        int? expected = null;
        if (pathId is not null)
        {
            if (!TryIfMatch(ifMatch, out expected, out var refused))
            {
                return new(refused);
            }
        }

        string featureText;
        string id;
        if (retire)
        {
            id = pathId!;
            if (live.Sources.FeaturesInForce(layer, live.Overlay).FirstOrDefault(f => f.Key == id) is not { Value: not null } current)
            {
                return new(Problems.NotFound($"Unknown {Name(layer)}", $"No {Name(layer)} '{id}' in the registry in force."));
            }

            featureText = current.Value;
        }
        else
        {
            var problems = new Dictionary<string, string[]>();
            var checkedId = CheckFeature(body, pathId, problems);
            if (problems.Count > 0 || checkedId is null)
            {
                return new(TypedResults.ValidationProblem(problems));
            }

            id = checkedId;
            featureText = body!.Value.GetRawText();
        }

        var actor = Actor(user);
        var change = new RegistryFeatureChange(layer, id, featureText, retire, expected, live.Sources.InSeed(layer, id), actor, time.GetUtcNow());
        var written = await store.SaveAsync(change, overlay => Validate(live.Sources, layer, [id], overlay), cancellationToken);
        switch (written.Outcome)
        {
            case RegistryWriteOutcome.Saved:
                break;
            case RegistryWriteOutcome.Invalid:
                return new(TypedResults.ValidationProblem(written.Problems ?? new Dictionary<string, string[]>()));
            case RegistryWriteOutcome.Unknown:
                return new(Problems.NotFound($"Unknown {Name(layer)}", $"No {Name(layer)} '{id}' in force: create it with POST (a retired id stays taken)."));
            case RegistryWriteOutcome.Exists:
                return new(Problems.Conflict($"{Title(layer)} exists", $"'{id}' is already registered (version {written.Version}); change it with PUT and If-Match."));
            default:
                return new(Problems.Conflict("Changed since you read it", $"'{id}' is at version {written.Version}, not {expected}: read it again and redo the change."));
        }

        // In force here at once; the other nodes take it at their next poll.
        await follower.RefreshAsync(cancellationToken);
        RegistryLog.Changed(logger, Name(layer), id, retire ? "retired" : expected is null ? "created" : "changed", actor, written.Version);
        using var feature = JsonDocument.Parse(featureText);
        var record = RecordOf(live, layer, id) ?? new RegistryRecord(id, Name(layer), written.Version, retire, feature.RootElement.Clone(), null, null);
        var path = $"/api/registry/{(layer == RegistryLayer.Asset ? "assets" : "regions")}/{Uri.EscapeDataString(id)}";
        return new(expected is null ? TypedResults.Created(path, record) : TypedResults.Ok(record), ETag(written.Version));
    }

    /// <summary>
    /// A FeatureCollection in one write (issue 20 item 2). Every Feature is checked alone first (shape, id, geometry) and
    /// the ids must be distinct; then the store checks each against what is in force and the registry the whole would
    /// make, inside one transaction. Nothing is applied unless everything is.
    /// </summary>
    public async Task<Results<Ok<ImportResult>, ValidationProblem, ProblemHttpResult>> ImportAsync(
        RegistryLayer layer, JsonElement collection, ClaimsPrincipal user, CancellationToken cancellationToken)
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
        var (actor, at) = (Actor(user), time.GetUtcNow());
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
                    changes.Add(new RegistryFeatureChange(layer, id, feature.GetRawText(), false, null, live.Sources.InSeed(layer, id), actor, at, Replace: true));
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

        var inForce = live.Sources.FeaturesInForce(layer, live.Overlay).Select(f => f.Key).ToHashSet(StringComparer.Ordinal);
        var written = await store.SaveAllAsync(changes, overlay => Validate(live.Sources, layer, firstIndexOf.Keys, overlay), cancellationToken);
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

        await follower.RefreshAsync(cancellationToken);
        var created = changes.Count(c => !inForce.Contains(c.Id));
        RegistryLog.Imported(logger, Name(layer), changes.Count, created, actor);
        return TypedResults.Ok(new ImportResult(Name(layer), changes.Count, created, changes.Count - created, [.. changes.Select(c => c.Id)]));
    }

    /// <summary>
    /// The assessed inherent level of an asset or an area, with the assessment's date and assessor: a change of the
    /// feature's properties, written (validated, versioned, audited) like any other change of it.
    /// </summary>
    public async Task<RegistryWriteAnswer> SetInherentLevelAsync(
        RegistryLayer layer, string id, InherentLevelRequest request, string? ifMatch, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (live.Sources.FeaturesInForce(layer, live.Overlay).FirstOrDefault(f => f.Key == id) is not { Value: not null } current)
        {
            return new(Problems.NotFound($"Unknown {Name(layer)}", $"No {Name(layer)} '{id}' in the registry in force."));
        }

        var problems = new Dictionary<string, string[]>();
        if (request is null || !Enum.TryParse<RiskColour>(request.Level, ignoreCase: true, out var level) || !Enum.IsDefined(level) || int.TryParse(request.Level, out _))
        {
            problems["level"] = ["One of: blue, yellow, orange, red."];
            return new(TypedResults.ValidationProblem(problems));
        }

        if (!DateOnly.TryParseExact(request.AssessedOn, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var assessedOn)
            || assessedOn > DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime))
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
            return new(TypedResults.ValidationProblem(problems));
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
        return await WriteAsync(layer, id, document.RootElement.Clone(), retire: false, ifMatch, user, cancellationToken);
    }

    /// <summary>One feature in force with its version, inherent level and grids; null when none has that id.</summary>
    public static RegistryRecord? RecordOf(LiveRegistry live, RegistryLayer layer, string id)
    {
        ArgumentNullException.ThrowIfNull(live);
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

    public static string ETag(int version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    public static string Name(RegistryLayer layer) => layer == RegistryLayer.Asset ? "asset" : "region";

    private static string Title(RegistryLayer layer) => layer == RegistryLayer.Asset ? "Asset" : "Region";

    private static string Actor(ClaimsPrincipal user) => user.Identity?.Name ?? "unknown";

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

    private static bool TryIfMatch(string? header, out int? version, out ProblemHttpResult refused)
    {
        version = null;
        refused = null!;
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
}

/// <summary>A write's answer and, when it wrote, the ETag (the version written) that the response carries.</summary>
internal sealed record RegistryWriteAnswer(Results<Ok<RegistryRecord>, Created<RegistryRecord>, ValidationProblem, ProblemHttpResult> Result, string? ETag = null);
