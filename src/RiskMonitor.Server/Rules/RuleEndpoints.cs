using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Contracts.Registry;
using RiskMonitor.Domain.Rules;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Server.Platform.Security;
using RiskMonitor.Server.Rules.Suggestions;
using RiskMonitor.Storage.Rules;

namespace RiskMonitor.Server.Rules;

/// <summary>Rules and per-asset overrides over REST: listed, previewed, changed and rolled back (docs/decisions/0043).</summary>
internal static class RuleEndpoints
{
    /// <summary>A preview or a change lists at most this many assets (the count is always whole).</summary>
    public const int MaxListedAssets = 1000;

    private const int MaxHistory = 200;

    public static RouteGroupBuilder MapRuleEndpoints(this IEndpointRouteBuilder routes)
    {
        var rules = routes.MapGroup("/api/rules").WithTags("Rules");
        rules.MapGet("/", Current).WithName("GetRules").RequireAuthorization(Policies.Supervise)
            .WithSummary("The newest stored rule document (the rule file's format, docs/rules.md) with its version, and the version in force on the node that answers.");
        rules.MapGet("/versions", History).WithName("ListRuleVersions").RequireAuthorization(Policies.Supervise)
            .WithSummary("Every rule version, newest first: who, when, why, how many assets it changed (documents left out).");
        rules.MapGet("/versions/{version}", Version).WithName("GetRuleVersion").RequireAuthorization(Policies.Supervise);
        rules.MapPost("/preview", Preview).WithName("PreviewRules").RequireAuthorization(Policies.Supervise)
            .WithSummary("Checks a candidate rule document and lists the assets whose rules it would change, without applying anything.");
        rules.MapPut("/", Change).WithName("ChangeRules").RequireAuthorization(Policies.Supervise)
            .WithSummary("Stores the document as the next version and applies it on every node without a restart. baseVersion must be the newest version (409 otherwise).");
        rules.MapPost("/rollback", Rollback).WithName("RollBackRules").RequireAuthorization(Policies.Supervise)
            .WithSummary("Makes an earlier version's document current again, as a new version.");
        rules.MapGet("/assets/{assetId}", ForAsset).WithName("GetAssetRules")
            .WithSummary("The rules in force for one asset on this node (its kind's, with its overrides), one line per rule.");
        routes.MapBacktestEndpoints();
        routes.MapSuggestionEndpoints();
        return rules;
    }

    private static async Task<Results<Ok<RulesView>, ProblemHttpResult>> Current(RuleManager rules, IRuleStore store, CancellationToken cancellationToken)
    {
        var newest = await store.CurrentVersionAsync(cancellationToken);
        var stored = newest == 0 ? null : await store.FindAsync(newest, cancellationToken);
        return stored is null
            ? Problems.NotFound("No rule version stored", "The rule store is empty; this node runs on the rule file until it is seeded.")
            : TypedResults.Ok(new RulesView(rules.Catalog.Version, RuleVersionView.From(stored, withDocument: true)));
    }

    private static async Task<Ok<IReadOnlyList<RuleVersionView>>> History(IRuleStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok<IReadOnlyList<RuleVersionView>>([.. (await store.ListAsync(MaxHistory, cancellationToken)).Select(v => RuleVersionView.From(v, withDocument: false))]);

    private static async Task<Results<Ok<RuleVersionView>, ProblemHttpResult>> Version(long version, IRuleStore store, CancellationToken cancellationToken) =>
        await store.FindAsync(version, cancellationToken) is { } stored
            ? TypedResults.Ok(RuleVersionView.From(stored, withDocument: true))
            : Problems.NotFound("Unknown rule version", $"No rule version {version}.");

    private static Results<Ok<RulePreviewView>, ValidationProblem> Preview(RulePreviewRequest request, RuleManager rules)
    {
        var (candidate, error) = RuleManager.Validate(request.Document);
        if (candidate is null)
        {
            return DocumentProblem(error!);
        }

        var affected = rules.Preview(candidate);
        return TypedResults.Ok(new RulePreviewView(
            rules.Catalog.Version, affected.Count, RuleChangePreview.Summarise(affected), Listed(affected), affected.Count > MaxListedAssets,
            rules.UnknownOverrideAssets(candidate)));
    }

    private static async Task<Results<Ok<RuleChangeView>, ValidationProblem, ProblemHttpResult>> Change(
        RuleChangeRequest request, RuleManager rules, ClaimsPrincipal user, AccessControl access, CancellationToken cancellationToken)
    {
        var errors = Attribution(request.BaseVersion, request.Author, request.Reason);
        var (candidate, error) = RuleManager.Validate(request.Document);
        if (error is not null)
        {
            errors["document"] = [error];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (CityWideOnly(user, access) is { } refused)
        {
            return refused;
        }

        return await ApplyAsync(rules, request.BaseVersion!.Value, request.Document!, candidate!, RuleChangeAction.Change, null,
            request.Author!.Trim(), request.Reason!.Trim(), cancellationToken);
    }

    private static async Task<Results<Ok<RuleChangeView>, ValidationProblem, ProblemHttpResult>> Rollback(
        RuleRollbackRequest request, RuleManager rules, IRuleStore store, ClaimsPrincipal user, AccessControl access, CancellationToken cancellationToken)
    {
        var errors = Attribution(request.BaseVersion, request.Author, request.Reason);
        if (request.ToVersion is not > 0)
        {
            errors["toVersion"] = ["Name the version to restore."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (CityWideOnly(user, access) is { } refused)
        {
            return refused;
        }

        if (await store.FindAsync(request.ToVersion!.Value, cancellationToken) is not { } earlier)
        {
            return Problems.NotFound("Unknown rule version", $"No rule version {request.ToVersion}.");
        }

        // Checked again: it passed when it was stored, but this release may judge a rule the earlier one accepted.
        var (candidate, error) = RuleManager.Validate(earlier.Document);
        if (candidate is null)
        {
            return DocumentProblem($"Version {earlier.Version} is no longer valid: {error}");
        }

        return await ApplyAsync(rules, request.BaseVersion!.Value, earlier.Document, candidate, RuleChangeAction.Rollback, earlier.Version,
            request.Author!.Trim(), request.Reason!.Trim(), cancellationToken);
    }

    private static Results<Ok<AssetRulesView>, ProblemHttpResult> ForAsset(string assetId, RuleManager rules, IAssetRegistry registry)
    {
        if (!registry.TryGet(assetId, out var asset))
        {
            return Problems.NotFound("Unknown asset", $"No asset '{assetId}' in the registry.");
        }

        var catalog = rules.Catalog;
        return TypedResults.Ok(new AssetRulesView(asset.Id, asset.Kind, catalog.Version, catalog.Catalog.HasOverride(asset.Id),
            RuleSetChanges.Describe(catalog.For(asset))));
    }

    private static async Task<Results<Ok<RuleChangeView>, ValidationProblem, ProblemHttpResult>> ApplyAsync(
        RuleManager rules, long baseVersion, string document, JsonRuleCatalog candidate, RuleChangeAction action, long? restoredFrom,
        string author, string reason, CancellationToken cancellationToken)
    {
        var outcome = await rules.ApplyAsync(baseVersion, document, candidate, action, restoredFrom, author, reason, cancellationToken);
        if (outcome.Stored is not { } stored)
        {
            return Problems.Conflict("The rules changed meanwhile",
                $"The change was based on version {baseVersion}, but version {outcome.CurrentVersion} is the newest: read it, preview again and resend.");
        }

        return TypedResults.Ok(new RuleChangeView(
            RuleVersionView.From(stored, withDocument: false), outcome.Affected.Count, Listed(outcome.Affected), outcome.Affected.Count > MaxListedAssets,
            rules.UnknownOverrideAssets(candidate)));
    }

    private static Dictionary<string, string[]> Attribution(long? baseVersion, string? author, string? reason)
    {
        var errors = new Dictionary<string, string[]>();
        if (baseVersion is not >= 0)
        {
            errors["baseVersion"] = ["Say which version the change is based on (GET /api/rules), so a change made meanwhile is not overwritten."];
        }

        if (string.IsNullOrWhiteSpace(reason) || reason.Length > 2000)
        {
            errors["reason"] = ["Say why the rules change (1-2000 characters): it is kept with the version."];
        }

        if (string.IsNullOrWhiteSpace(author) || author.Length > 100)
        {
            errors["author"] = ["Name the person changing the rules (1-100 characters)."];
        }

        return errors;
    }

    /// <summary>A kind's rules span the city, so only a city-wide supervisor (or an admin) may change them.</summary>
    private static ProblemHttpResult? CityWideOnly(ClaimsPrincipal user, AccessControl access)
    {
        var scope = access.ScopeOf(user);
        return scope.IsCityWide ? null : Problems.OutsideRegions("A rule change reaches assets", scope);
    }

    private static ValidationProblem DocumentProblem(string error) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["document"] = [error] }, title: "The rule document is not valid");

    private static IReadOnlyList<AssetRuleChangeView> Listed(IReadOnlyList<AssetRuleChange> affected) =>
        [.. affected.Take(MaxListedAssets).Select(a => new AssetRuleChangeView(a.AssetId, a.Kind, a.Changes.Added, a.Changes.Removed, a.Changes.Changed))];
}
