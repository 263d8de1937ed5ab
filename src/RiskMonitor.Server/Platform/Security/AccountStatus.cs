using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using RiskMonitor.Contracts.Access;
using RiskMonitor.Storage.Postgres;

namespace RiskMonitor.Server.Platform.Security;

/// <summary>
/// Whether the account behind a built-in token is still enabled, asked on every request with a short cache: a token
/// lives up to a shift, and disabling someone (a lost phone, a person who left) must not wait for it to expire. The
/// cache entry is dropped when an admin changes the account on this node, so there it takes effect at once; other
/// nodes notice within <see cref="AuthOptions.AccountRecheckInterval"/>.
/// </summary>
internal sealed class AccountStatus(IUserStore users, IOptions<AuthOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (AccountRights? Rights, DateTimeOffset CheckedAt)> _checked = new(StringComparer.Ordinal);

    public async ValueTask<bool> IsEnabledAsync(string name, CancellationToken cancellationToken) =>
        await RightsAsync(name, cancellationToken) is not { Disabled: true };

    /// <summary>
    /// The account's current roles, regions and disabled flag; null for a name the store does not know. A token carries
    /// the rights of the moment it was issued, and a demotion must not wait up to a shift for it to expire (issue 24
    /// row 6), so the bearer handler takes these instead of the token's.
    /// </summary>
    public async ValueTask<AccountRights?> RightsAsync(string name, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_checked.TryGetValue(name, out var known) && now - known.CheckedAt < options.Value.AccountRecheckInterval)
        {
            return known.Rights;
        }

        // Accounts are never deleted, and only the holder of the signing key can mint a token for a name the store does
        // not know (the test suites do, to sign in as anyone): such a token keeps its own claims.
        AccountRights? rights;
        try
        {
            rights = await users.FindAsync(name, cancellationToken) is { } account
                ? new AccountRights(account.Roles, account.Regions, account.Disabled)
                : null;
        }
        catch (Exception ex) when (StoreFailures.IsUnavailable(ex) && known != default)
        {
            // PostgreSQL is down (decision 0028): the last answer stands until it is back, so an outage does not sign
            // the duty room out; a name never checked on this node gets the 503 problem instead.
            return known.Rights;
        }

        // Bounded by the number of names that ever came with a valid signature, which only this issuer can make.
        _checked[name] = (rights, now);
        return rights;
    }

    public void Forget(string name) => _checked.TryRemove(name, out _);
}

/// <summary>What an account may do now, as the account store says.</summary>
internal sealed record AccountRights(ImmutableArray<string> Roles, ImmutableArray<string> Regions, bool Disabled);
