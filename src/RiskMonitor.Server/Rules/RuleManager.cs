using RiskMonitor.Contracts.Registry;
using RiskMonitor.Storage.Registry;
using RiskMonitor.Storage.Rules;

namespace RiskMonitor.Server.Rules;

/// <summary>
/// Rules as managed configuration (docs/decisions/0043): validates a candidate rule document, shows which assets it
/// changes, stores it as the next version and puts it in force on this node at once; <see cref="SyncAsync"/> (polled by
/// <see cref="RuleVersionFollower"/>) brings every node to the newest stored version and seeds an empty store from the
/// rule file.
/// </summary>
internal sealed class RuleManager(
    IRuleStore store, ManagedRuleCatalog catalog, IAssetRegistry registry, TimeProvider time, ILogger<RuleManager> logger)
{
    /// <summary>The author of the seed version: not a person, so the ledger says where it came from.</summary>
    public const string SeedAuthor = "rule file";

    private readonly SemaphoreSlim _sync = new(1, 1);
    private long _refusedVersion; // a stored version this node cannot parse: logged once, not re-read every poll

    public ManagedRuleCatalog Catalog => catalog;

    /// <summary>The document parsed and checked exactly as the rule file is at start; the error says where and what.</summary>
    public static (JsonRuleCatalog? Catalog, string? Error) Validate(string? document)
    {
        if (string.IsNullOrWhiteSpace(document))
        {
            return (null, "Send the rule document (the rule file's JSON, docs/rules.md) as a string.");
        }

        try
        {
            return (JsonRuleCatalog.Parse(document, "document"), null);
        }
        catch (RegistryException ex)
        {
            return (null, ex.Message);
        }
    }

    /// <summary>The assets whose rules the candidate changes, against the rules in force here.</summary>
    public IReadOnlyList<AssetRuleChange> Preview(JsonRuleCatalog candidate) =>
        RuleChangePreview.AffectedAssets(catalog.Catalog, candidate, registry.All);

    /// <summary>Override ids the registry does not know: most likely a typo, shown with the preview and the change.</summary>
    public IReadOnlyList<string> UnknownOverrideAssets(JsonRuleCatalog candidate) =>
        [.. candidate.OverriddenAssets.Where(id => !registry.TryGet(id, out _)).Order(StringComparer.Ordinal)];

    /// <summary>
    /// Stores <paramref name="document"/> as version <paramref name="baseVersion"/> + 1 and puts it in force here, unless
    /// the newest stored version is no longer <paramref name="baseVersion"/> (someone else changed the rules meanwhile).
    /// </summary>
    public async Task<RuleApplyOutcome> ApplyAsync(
        long baseVersion, string document, JsonRuleCatalog candidate, RuleChangeAction action, long? restoredFrom, string author, string reason,
        CancellationToken cancellationToken)
    {
        // The preview compares with the base version, so this node must hold it: a node a poll behind catches up first.
        await SyncAsync(cancellationToken);
        if (catalog.Version != baseVersion)
        {
            return new RuleApplyOutcome(null, [], catalog.Version);
        }

        var affected = Preview(candidate);
        var next = new RuleVersion(
            baseVersion + 1, document, action, restoredFrom, author, reason, time.GetUtcNow(), affected.Count, RuleChangePreview.Summarise(affected));
        if (!await store.AppendAsync(next, cancellationToken))
        {
            return new RuleApplyOutcome(null, [], await store.CurrentVersionAsync(cancellationToken));
        }

        catalog.TryApply(next.Version, candidate, document);
        RulesLog.Changed(logger, next.Version, action, author, next.AffectedAssets, next.Summary, reason);
        return new RuleApplyOutcome(next, affected, next.Version);
    }

    /// <summary>
    /// Brings this node to the newest stored version (seeding an empty store from the rule file first). Returns the
    /// version in force here afterwards.
    /// </summary>
    public async Task<long> SyncAsync(CancellationToken cancellationToken)
    {
        await _sync.WaitAsync(cancellationToken);
        try
        {
            var newest = await store.CurrentVersionAsync(cancellationToken);
            if (newest == 0)
            {
                // Every node may try at once on a fresh database; the store lets one of them write version 1.
                var seed = new RuleVersion(1, catalog.Document, RuleChangeAction.Seed, null, SeedAuthor, "The rule file, stored as the first version",
                    time.GetUtcNow(), 0, "seed");
                if (await store.AppendAsync(seed, cancellationToken))
                {
                    RulesLog.Seeded(logger);
                }

                newest = await store.CurrentVersionAsync(cancellationToken);
            }

            if (newest <= catalog.Version || newest == _refusedVersion)
            {
                return catalog.Version;
            }

            var stored = await store.FindAsync(newest, cancellationToken);
            if (stored is null)
            {
                return catalog.Version;
            }

            var (parsed, error) = Validate(stored.Document);
            if (parsed is null)
            {
                // Checked before it was stored, so only a node of another release can refuse it: it keeps its rules
                // and says so, rather than running without any.
                _refusedVersion = newest;
                RulesLog.StoredVersionRefused(logger, newest, catalog.Version, error ?? "");
                return catalog.Version;
            }

            var from = catalog.Version;
            if (from == 0 && !string.Equals(stored.Document, catalog.Document, StringComparison.Ordinal))
            {
                // The file is only the seed: a deployment that ships an edited file must send it over the API.
                RulesLog.FileIsNotInForce(logger, stored.Version);
            }

            if (catalog.TryApply(stored.Version, parsed, stored.Document))
            {
                RulesLog.Applied(logger, stored.Version, from);
            }

            return catalog.Version;
        }
        finally
        {
            _sync.Release();
        }
    }
}

/// <summary>The stored version (null when the base version was stale) with the assets it changed, and the newest version now.</summary>
internal sealed record RuleApplyOutcome(RuleVersion? Stored, IReadOnlyList<AssetRuleChange> Affected, long CurrentVersion);
