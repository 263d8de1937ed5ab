namespace RiskMonitor.Storage.Rules;

/// <summary>How a rule version came to be.</summary>
public enum RuleChangeAction
{
    /// <summary>The rule file, stored when the store held no version yet.</summary>
    Seed,

    /// <summary>A document sent over the API.</summary>
    Change,

    /// <summary>An earlier version's document made current again.</summary>
    Rollback,
}

/// <summary>One version of the rule document (the rule file's format, docs/rules.md) and who made it current, when and why.</summary>
public sealed record RuleVersion(
    long Version,
    string Document,
    RuleChangeAction Action,
    long? RestoredFrom,
    string Author,
    string Reason,
    DateTimeOffset CreatedAt,
    int AffectedAssets,
    string Summary);

/// <summary>
/// The versions of the rule document (docs/decisions/0043). Append-only: version N + 1 is stored only while N is the
/// newest, so two supervisors editing the same version cannot both win (optimistic concurrency).
/// </summary>
public interface IRuleStore
{
    /// <summary>The newest version number, 0 when the store is empty: what every node polls.</summary>
    Task<long> CurrentVersionAsync(CancellationToken cancellationToken = default);

    Task<RuleVersion?> FindAsync(long version, CancellationToken cancellationToken = default);

    /// <summary>The newest versions first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<RuleVersion>> ListAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores <paramref name="next"/> if its version is one above the newest (1 on an empty store); false when another
    /// version got there first or the version is not the next one.
    /// </summary>
    Task<bool> AppendAsync(RuleVersion next, CancellationToken cancellationToken = default);
}
