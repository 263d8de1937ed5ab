namespace RiskMonitor.Domain.Devices;

/// <summary>
/// A token bucket: up to <see cref="Capacity"/> messages at once, refilled at <see cref="RatePerSecond"/>. Pure (time is
/// an argument) and not thread-safe; the broker keeps one per connection and takes a lock around it.
/// </summary>
public sealed class TokenBucket
{
    private double _tokens;
    private DateTimeOffset _refilledAt;

    public TokenBucket(double ratePerSecond, double capacity, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        RatePerSecond = ratePerSecond;
        Capacity = capacity;
        _tokens = capacity; // a device that just connected may send its backlog burst at once
        _refilledAt = now;
    }

    public double RatePerSecond { get; }

    public double Capacity { get; }

    /// <summary>Tokens left after refilling up to <paramref name="now"/>.</summary>
    public double Available(DateTimeOffset now)
    {
        Refill(now);
        return _tokens;
    }

    /// <summary>Takes one token if there is one; false means the message is over the limit.</summary>
    public bool TryTake(DateTimeOffset now)
    {
        Refill(now);
        if (_tokens < 1)
        {
            return false;
        }

        _tokens -= 1;
        return true;
    }

    private void Refill(DateTimeOffset now)
    {
        // A clock that steps back (NTP correction) must neither refill nor punish: only forward time counts.
        var elapsed = now - _refilledAt;
        if (elapsed <= TimeSpan.Zero)
        {
            return;
        }

        _tokens = Math.Min(Capacity, _tokens + (elapsed.TotalSeconds * RatePerSecond));
        _refilledAt = now;
    }
}
