using System.Collections.Immutable;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Contracts.Registry;
using RiskMonitor.Domain.Responsibility;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Storage.Responsibility;

namespace RiskMonitor.Server.Responsibility;

/// <summary>
/// Writes to the responsibility register (docs/decisions/0035-responsibility-chain.md): an organisation created or
/// changed (its version named), an asset's parties set; each checked on its own here, then by the store against the
/// register (unknown or retired organisations, a credit code twice, a stale version), versioned and audited there.
/// Talks to the store and the asset registry only, so it is tested on the in-memory store.
/// </summary>
internal sealed class ResponsibilityCommands(IResponsibilityStore store, IAssetRegistry assets, TimeProvider time)
{
    private const int MaxGuarantors = 10;

    /// <param name="id">The organisation's id: the path's for a change, the body's for a creation.</param>
    /// <param name="expectedVersion">The version changed; null creates.</param>
    public async Task<Results<Created<Organisation>, Ok<Organisation>, ValidationProblem, ProblemHttpResult>> SaveOrganisationAsync(
        string? id, OrganisationRequest? request, int? expectedVersion, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["Send the organisation as JSON."] });
        }

        if (request.Id is not null && id is not null && request.Id != id)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = ["The body's id is not the one in the path."] });
        }

        var organisation = request.ToOrganisation(id ?? "");
        var problems = organisation.Problems();
        if (problems.Count > 0)
        {
            return TypedResults.ValidationProblem(problems);
        }

        var written = await store.SaveOrganisationAsync(organisation, expectedVersion, Actor(user), time.GetUtcNow(), cancellationToken);
        return written.Outcome switch
        {
            RegistryWriteOutcome.Saved when expectedVersion is null =>
                TypedResults.Created($"/api/organisations/{Uri.EscapeDataString(organisation.Id)}", organisation with { Version = written.Version }),
            RegistryWriteOutcome.Saved => TypedResults.Ok(organisation with { Version = written.Version }),
            RegistryWriteOutcome.Unknown => Problems.NotFound("Unknown organisation", $"No organisation '{organisation.Id}'."),
            RegistryWriteOutcome.Invalid => TypedResults.ValidationProblem(written.Problems ?? new Dictionary<string, string[]>()),
            _ => Problems.Conflict(ConflictTitle(written.Outcome), ConflictDetail(written, organisation.Id, organisation.CreditCode)),
        };
    }

    /// <summary>Sets an asset's parties: a known asset, an owner unit, at most ten 包保 persons; the store checks the organisations named.</summary>
    public async Task<Results<Ok<AssetParties>, ValidationProblem, ProblemHttpResult>> SetPartiesAsync(
        string assetId, AssetPartiesRequest? request, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (!assets.TryGet(assetId, out var asset))
        {
            return Problems.NotFound("Unknown asset", $"No asset '{assetId}'.");
        }

        if (request is null || string.IsNullOrWhiteSpace(request.OwnerUnitId))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["ownerUnitId"] = ["An asset names its owner unit."] });
        }

        if (request.Guarantors?.Count > MaxGuarantors)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["guarantors"] = [$"At most {MaxGuarantors} 包保 persons."] });
        }

        var guarantors = request.Guarantors is { } list ? [.. list.Select(p => p.ToPerson())] : ImmutableArray<Person>.Empty;
        var parties = new AssetParties(assetId, request.OwnerUnitId, Blank(request.MaintenanceUnitId), Blank(request.RegulatorId), guarantors);
        var written = await store.SavePartiesAsync(parties, asset.Kind, request.Version, Actor(user), time.GetUtcNow(), cancellationToken);
        return written.Outcome switch
        {
            RegistryWriteOutcome.Saved => TypedResults.Ok(parties with { Version = written.Version }),
            RegistryWriteOutcome.Invalid => TypedResults.ValidationProblem(written.Problems ?? new Dictionary<string, string[]>()),
            RegistryWriteOutcome.Unknown => Problems.NotFound("No parties on record", $"Asset '{assetId}' names no parties yet: send no version to set them."),
            _ => Problems.Conflict(ConflictTitle(written.Outcome), ConflictDetail(written, assetId, null)),
        };
    }

    private static string Actor(ClaimsPrincipal user) => user.Identity?.Name ?? "unknown";

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string ConflictTitle(RegistryWriteOutcome outcome) => outcome switch
    {
        RegistryWriteOutcome.Exists => "Already exists",
        RegistryWriteOutcome.DuplicateCreditCode => "Duplicate credit code",
        RegistryWriteOutcome.InUse => "Still named by assets",
        _ => "Changed meanwhile",
    };

    private static string ConflictDetail(RegistryWrite written, string id, string? creditCode) => written.Outcome switch
    {
        RegistryWriteOutcome.Exists => $"'{id}' exists (version {written.Version}); change it with PUT and its version.",
        RegistryWriteOutcome.DuplicateCreditCode => $"Another organisation has the unified social credit code '{creditCode}'.",
        RegistryWriteOutcome.InUse => $"Assets still name '{id}'; give them other parties before retiring it.",
        _ => $"'{id}' is at version {written.Version}; read it again and apply your change to that.",
    };
}
