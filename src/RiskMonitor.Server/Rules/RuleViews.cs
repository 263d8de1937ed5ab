using System.Text.Json;
using RiskMonitor.Server.Platform.Security;
using RiskMonitor.Storage.Rules;

namespace RiskMonitor.Server.Rules;

/// <param name="Document">The rule document as text (the rule file's JSON, comments kept).</param>
internal sealed record RulePreviewRequest(string? Document);

/// <param name="BaseVersion">The version the document was edited from; the change is refused (409) if it is no longer the newest.</param>
/// <param name="Author">Set by the server to the signed-in person.</param>
internal sealed record RuleChangeRequest(long? BaseVersion, string? Document, string? Reason, string? Author) : IAttributedRequest
{
    public IAttributedRequest AttributedTo(string actor) => this with { Author = actor };
}

/// <param name="ToVersion">The earlier version whose document becomes current again.</param>
internal sealed record RuleRollbackRequest(long? ToVersion, long? BaseVersion, string? Reason, string? Author) : IAttributedRequest
{
    public IAttributedRequest AttributedTo(string actor) => this with { Author = actor };
}

/// <summary>A rule version as the API shows it; <see cref="Document"/> only where one version is asked for.</summary>
internal sealed record RuleVersionView(
    long Version, string Action, long? RestoredFrom, string Author, string Reason, DateTimeOffset CreatedAt, int AffectedAssets, string Summary,
    string? Document)
{
    public static RuleVersionView From(RuleVersion version, bool withDocument)
    {
        ArgumentNullException.ThrowIfNull(version);
        return new(version.Version, JsonNamingPolicy.SnakeCaseLower.ConvertName(version.Action.ToString()), version.RestoredFrom, version.Author, version.Reason, version.CreatedAt,
            version.AffectedAssets, version.Summary, withDocument ? version.Document : null);
    }
}

/// <param name="AppliedVersion">The version in force on the node that answered (the others follow within the poll interval).</param>
internal sealed record RulesView(long AppliedVersion, RuleVersionView Current);

/// <summary>One asset whose rules a change touches, by the alert rule ids added, removed and changed.</summary>
internal sealed record AssetRuleChangeView(string AssetId, string Kind, IReadOnlyList<string> Added, IReadOnlyList<string> Removed, IReadOnlyList<string> Changed);

/// <param name="BaseVersion">The version in force on the node that compared.</param>
/// <param name="UnknownOverrideAssets">Asset ids with overrides that the registry does not know (a typo, or an asset not yet registered).</param>
internal sealed record RulePreviewView(
    long BaseVersion, int AffectedCount, string Summary, IReadOnlyList<AssetRuleChangeView> Assets, bool Truncated, IReadOnlyList<string> UnknownOverrideAssets);

internal sealed record RuleChangeView(
    RuleVersionView Version, int AffectedCount, IReadOnlyList<AssetRuleChangeView> Assets, bool Truncated, IReadOnlyList<string> UnknownOverrideAssets);

/// <param name="Rules">Each rule in force, keyed by the alert rule id, as one canonical line.</param>
internal sealed record AssetRulesView(string AssetId, string Kind, long RulesVersion, bool HasOverride, IReadOnlyDictionary<string, string> Rules);
