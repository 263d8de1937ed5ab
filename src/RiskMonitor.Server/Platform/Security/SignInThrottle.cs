using Microsoft.Extensions.Options;
using RiskMonitor.Domain.Access;

namespace RiskMonitor.Server.Platform.Security;

/// <summary>
/// The node's sign-in back-off per account name (<see cref="SignInBackoff"/>, issue 24 row 8). Per node: in a cluster
/// an attacker who spreads attempts over N nodes gets N times the rate, still far below what the per-address limit
/// alone allowed.
/// </summary>
internal sealed class SignInThrottle(IOptions<AuthOptions> options, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly SignInBackoff _backoff = new(options.Value.SignInFreeFailures, options.Value.SignInMaxDelay);

    /// <summary>Zero when the attempt may be checked now, otherwise how long the caller must wait.</summary>
    public TimeSpan WaitFor(string name)
    {
        lock (_gate)
        {
            return _backoff.WaitFor(name, time.GetUtcNow());
        }
    }

    public void Record(string name, bool succeeded)
    {
        lock (_gate)
        {
            if (succeeded)
            {
                _backoff.Succeeded(name);
            }
            else
            {
                _backoff.Failed(name, time.GetUtcNow());
            }
        }
    }
}
