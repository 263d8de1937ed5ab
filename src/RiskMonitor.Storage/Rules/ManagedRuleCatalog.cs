using RiskMonitor.Contracts.Registry;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Rules;
using RiskMonitor.Domain.Rules.Groups;

namespace RiskMonitor.Storage.Rules;

/// <summary>
/// The rules in force on this node: one parsed rule document and its version in the rule store, replaced whole when a
/// newer version is applied (docs/decisions/0043). Grains read <see cref="Version"/> on each reading and ask
/// <see cref="For"/> again only when it moved; the parsed catalog is immutable, so readers on any thread share it.
/// </summary>
public sealed class ManagedRuleCatalog : IRuleCatalog
{
    private readonly Lock _gate = new();
    private volatile Applied _applied;

    /// <param name="seed">The rule file, in force (as version 0) until the store's current version has been read.</param>
    public ManagedRuleCatalog(JsonRuleCatalog seed, string seedDocument) => _applied = new Applied(0, seed, seedDocument);

    /// <summary>The store version in force here; 0 while only the rule file is (store not read yet, or unreachable).</summary>
    public long Version => _applied.Version;

    public JsonRuleCatalog Catalog => _applied.Catalog;

    public string Document => _applied.Document;

    public RuleSet For(AssetDefinition asset) => _applied.Catalog.For(asset);

    public DetectorGroupDefinition? Group(string groupId) => _applied.Catalog.Group(groupId);

    /// <summary>Puts a version in force unless a newer one already is (the poll and a local change may race); true if it did.</summary>
    public bool TryApply(long version, JsonRuleCatalog catalog, string document)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        lock (_gate)
        {
            if (version <= _applied.Version)
            {
                return false;
            }

            _applied = new Applied(version, catalog, document);
            return true;
        }
    }

    private sealed record Applied(long Version, JsonRuleCatalog Catalog, string Document);
}
