using System.Collections.Immutable;

namespace RiskMonitor.Contracts.Access;

/// <summary>
/// A person who signs in to the built-in token issuer (issue 11): real name (实名制, as on the duty roster and in the
/// region file), roles, and the regions they are scoped to (none = city-wide). The password is kept only as a salted
/// PBKDF2 hash. Accounts are disabled, never deleted, so that every ledger line's actor stays resolvable.
/// </summary>
public sealed record UserAccount(
    string Name,
    string PasswordHash,
    ImmutableArray<string> Roles,
    ImmutableArray<string> Regions,
    string? DisplayName,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset UpdatedAt,
    string UpdatedBy,
    bool Disabled = false);

/// <summary>Where the built-in issuer's accounts live: PostgreSQL in production, memory without a connection string.</summary>
public interface IUserStore
{
    Task<UserAccount?> FindAsync(string name, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<UserAccount>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates the account or replaces its roles, regions, display name, hash and disabled flag.</summary>
    Task SaveAsync(UserAccount account, CancellationToken cancellationToken = default);

    /// <summary>Whether any account exists (the configured seed accounts are added only to an empty store).</summary>
    Task<bool> AnyAsync(CancellationToken cancellationToken = default);
}
