using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using RiskMonitor.Contracts.Access;
using RiskMonitor.Storage.Postgres;

namespace RiskMonitor.Server.Security;

/// <summary>
/// Whether the account behind a built-in token is still enabled, asked on every request with a short cache: a token
/// lives up to a shift, and disabling someone (a lost phone, a person who left) must not wait for it to expire. The
/// cache entry is dropped when an admin changes the account on this node, so there it takes effect at once; other
/// nodes notice within <see cref="AuthOptions.AccountRecheckInterval"/>.
/// </summary>
public sealed class AccountStatus(IUserStore users, IOptions<AuthOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (bool Enabled, DateTimeOffset CheckedAt)> _checked = new(StringComparer.Ordinal);

    public async ValueTask<bool> IsEnabledAsync(string name, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_checked.TryGetValue(name, out var known) && now - known.CheckedAt < options.Value.AccountRecheckInterval)
        {
            return known.Enabled;
        }

        // Only a disabled account is refused. Accounts are never deleted, and only the holder of the signing key can
        // mint a token for a name the store does not know (the test suites do, to sign in as anyone).
        bool enabled;
        try
        {
            enabled = await users.FindAsync(name, cancellationToken) is not { Disabled: true };
        }
        catch (Exception ex) when (StoreFailures.IsUnavailable(ex) && known != default)
        {
            // PostgreSQL is down: the last answer stands until it is back (an outage must not sign the duty room out);
            // a name never checked on this node gets the 503 problem instead.
            return known.Enabled;
        }


        // Bounded by the number of names that ever came with a valid signature, which only this issuer can make.
        _checked[name] = (enabled, now);
        return enabled;
    }

    public void Forget(string name) => _checked.TryRemove(name, out _);
}
