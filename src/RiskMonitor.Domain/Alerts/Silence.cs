namespace RiskMonitor.Domain.Alerts;

/// <summary>What a silence covers: one asset, a region with every region below it, or every asset of a kind.</summary>
public enum SilenceScope
{
    Asset,
    Region,
    Kind,
}

/// <summary>
/// A silence or maintenance window (docs/decisions/0017-noise-control.md). While it is in force, alerts it covers are
/// still raised, stored and shown (marked silenced) but do not page or escalate; once it ends with the condition still
/// on, escalation starts as if the alert had opened then. Never deleted: ending one early sets <see cref="ExpiredAt"/>.
/// </summary>
public sealed record Silence(
    string SilenceId,
    SilenceScope Scope,
    string Target,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string Author,
    string Reason,
    DateTimeOffset CreatedAt)
{
    public DateTimeOffset? ExpiredAt { get; init; }

    public string? ExpiredBy { get; init; }

    /// <summary>When it stops covering alerts: its end, or the moment someone expired it, whichever came first.</summary>
    public DateTimeOffset EffectiveEnd => ExpiredAt is { } expired && expired < EndsAt ? expired : EndsAt;

    public bool InForce(DateTimeOffset now) => StartsAt <= now && now < EffectiveEnd;

    /// <summary>Still of use: in force now or starting later.</summary>
    public bool Pending(DateTimeOffset now) => now < EffectiveEnd;

    public bool Covers(SilenceSubject subject, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (!InForce(now))
        {
            return false;
        }

        return Scope switch
        {
            SilenceScope.Asset => string.Equals(Target, subject.AssetId, StringComparison.Ordinal),
            SilenceScope.Kind => string.Equals(Target, subject.Kind, StringComparison.Ordinal),
            // A district's maintenance window covers its streets, communities and grids too.
            SilenceScope.Region => subject.Regions.Contains(Target, StringComparer.Ordinal),
            _ => false,
        };
    }

    /// <summary>Problems with a new silence, keyed by field (empty when it is acceptable).</summary>
    public static Dictionary<string, string[]> Validate(
        SilenceScope scope, string? target, DateTimeOffset startsAt, DateTimeOffset endsAt, string? author, string? reason, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(target))
        {
            errors["target"] = [$"Name the {scope.ToString().ToLowerInvariant()} the silence covers."];
        }

        if (string.IsNullOrWhiteSpace(author))
        {
            errors["author"] = ["A silence is an audited act by a named person (实名制)."];
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            errors["reason"] = ["Say why alerts may go unpaged (maintenance order, test, known fault)."];
        }

        if (endsAt <= startsAt)
        {
            errors["endsAt"] = ["The silence must end after it starts."];
        }
        else if (endsAt <= now)
        {
            errors["endsAt"] = ["The silence would already be over."];
        }
        else if (endsAt - startsAt > MaxDuration)
        {
            // A silence nobody remembers is the way a real alarm goes unanswered, so every window has a short limit.
            errors["endsAt"] = [$"A silence may last at most {MaxDuration.TotalDays:0} days; create a new one when it runs out."];
        }

        return errors;
    }

    public static TimeSpan MaxDuration { get; } = TimeSpan.FromDays(7);

    /// <summary>The silence in force that covers the subject and ends last, or null.</summary>
    public static Silence? Covering(IEnumerable<Silence> silences, SilenceSubject subject, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(silences);
        Silence? best = null;
        foreach (var silence in silences)
        {
            if (silence.Covers(subject, now) && (best is null || silence.EffectiveEnd > best.EffectiveEnd))
            {
                best = silence;
            }
        }

        return best;
    }
}

/// <summary>What a silence is matched against: the alert's asset, its kind, and its region with every region above it.</summary>
public sealed record SilenceSubject(string AssetId, string Kind, IReadOnlyCollection<string> Regions);
