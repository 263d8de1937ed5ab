namespace RiskMonitor.Domain.Access;

/// <summary>
/// Sign-in limits per account name (issue 24 row 8), beside the per-address rate limit: after
/// <see cref="FreeFailures"/> wrong passwords in a row, each further attempt on that name must wait a delay that doubles
/// per failure, from one second up to <see cref="MaxDelay"/>; an attempt inside the wait is refused without checking
/// the password. It is a back-off, not a lockout: attempts refused inside the wait do not lengthen it, so an attacker
/// cannot keep an account closed for longer than one wait at a time, and the owner who tries again after it (at most
/// <see cref="MaxDelay"/>) is checked as usual. A success clears the name; so does <see cref="ForgetAfter"/> without a
/// failure. Unknown names are tracked the same way, so the answers do not tell which names exist. Pure: the caller
/// passes the time and serialises calls (one lock).
/// </summary>
public sealed class SignInBackoff(int freeFailures = 5, TimeSpan? maxDelay = null, TimeSpan? forgetAfter = null, int maxTracked = 10_000)
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.OrdinalIgnoreCase);

    public int FreeFailures { get; } = freeFailures;

    public TimeSpan MaxDelay { get; } = maxDelay ?? TimeSpan.FromMinutes(1);

    public TimeSpan ForgetAfter { get; } = forgetAfter ?? TimeSpan.FromMinutes(15);

    /// <summary>Zero when an attempt on <paramref name="name"/> may be checked now, otherwise how long to wait.</summary>
    public TimeSpan WaitFor(string name, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!_entries.TryGetValue(name, out var entry) || now - entry.LastFailure >= ForgetAfter)
        {
            return TimeSpan.Zero;
        }

        var wait = entry.LastFailure + Delay(entry.Failures) - now;
        return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
    }

    public void Failed(string name, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(name);
        var failures = _entries.TryGetValue(name, out var entry) && now - entry.LastFailure < ForgetAfter ? entry.Failures + 1 : 1;
        if (failures == 1 && _entries.Count >= maxTracked && !MakeRoom(now))
        {
            return; // a flood of made-up names: the per-address limit still holds them back
        }

        _entries[name] = new Entry(failures, now);
    }

    public void Succeeded(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        _entries.Remove(name);
    }

    /// <summary>The wait after <paramref name="failures"/> failures in a row: none for the free ones, then 1 s, 2 s, 4 s...</summary>
    public TimeSpan Delay(int failures)
    {
        var over = failures - FreeFailures;
        if (over <= 0)
        {
            return TimeSpan.Zero;
        }

        var seconds = Math.Pow(2, Math.Min(over - 1, 30));
        return TimeSpan.FromSeconds(Math.Min(seconds, MaxDelay.TotalSeconds));
    }

    private bool MakeRoom(DateTimeOffset now)
    {
        foreach (var (name, entry) in _entries.Where(e => now - e.Value.LastFailure >= ForgetAfter).ToList())
        {
            _entries.Remove(name);
        }

        return _entries.Count < maxTracked;
    }

    private readonly record struct Entry(int Failures, DateTimeOffset LastFailure);
}
