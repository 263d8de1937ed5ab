using System.Globalization;
using System.Text.RegularExpressions;

namespace RiskMonitor.Domain.Reports;

/// <summary>What a subscription mails: a periodic circular (decision 0056), or the shift handover at each shift change (decision 0061).</summary>
public enum ReportKind
{
    Circular,
    Handover,
}

/// <summary>
/// One person who receives one kind of circular, or the shift handover, by e-mail, for the whole city or for some
/// regions (issue 20 item 6, decisions 0056 and 0061). Versioned and retired, never deleted, like the registry's
/// records: its id names its deliveries.
/// </summary>
/// <param name="Period">The circular's period; null for a handover subscription, which follows the shift changes instead.</param>
/// <param name="Regions">The regions the report covers (a district's account gets its district's); empty for the whole city.</param>
public sealed partial record ReportSubscription(
    string Id, CircularPeriod? Period, string Recipient, string Email, IReadOnlyList<string> Regions, DateTimeOffset CreatedAt, bool Retired = false, int Version = 0)
{
    public const int MaxRegions = 50;

    /// <summary>Circular (the default, as every subscription made before decision 0061 is) or the shift handover.</summary>
    public ReportKind Report { get; init; }

    /// <summary>What is wrong with it, by field; empty when it can be saved. <paramref name="regionExists"/> asks the region tree in force.</summary>
    public Dictionary<string, string[]> Problems(Func<string, bool> regionExists)
    {
        ArgumentNullException.ThrowIfNull(regionExists);
        var problems = new Dictionary<string, string[]>();
        if (!IdPattern().IsMatch(Id ?? ""))
        {
            problems["id"] = ["1-64 characters: lower-case letters, digits, '-' and '_', starting with a letter or digit."];
        }

        if (!Enum.IsDefined(Report))
        {
            problems["report"] = ["One of circular, handover."];
        }
        else if (Report == ReportKind.Circular && (Period is not { } period || !Enum.IsDefined(period)))
        {
            problems["period"] = ["One of daily, weekly, monthly, quarterly."];
        }
        else if (Report == ReportKind.Handover && Period is not null)
        {
            problems["period"] = ["A handover report follows the shift changes: give no period."];
        }

        if (string.IsNullOrWhiteSpace(Recipient) || Recipient.Length > 100 || Recipient.Any(char.IsControl))
        {
            problems["recipient"] = ["The person's name, 1-100 characters."];
        }

        if (!IsEmailAddress(Email))
        {
            problems["email"] = ["An e-mail address, name@domain."];
        }

        if (Regions is null || Regions.Count > MaxRegions)
        {
            problems["regions"] = [$"At most {MaxRegions} region ids; none for the whole city."];
        }
        else if (Regions.Where(r => string.IsNullOrWhiteSpace(r) || !regionExists(r)).ToList() is { Count: > 0 } unknown)
        {
            problems["regions"] = [$"Unknown region: {string.Join(", ", unknown.Take(5))}."];
        }

        return problems;
    }

    /// <summary>
    /// A plain address check (local@domain.tld, no spaces, no display name): the subscription keeps the address the
    /// SMTP server is given, so anything MailKit would read as a list or a name is refused here.
    /// </summary>
    public static bool IsEmailAddress(string? address) =>
        address is { Length: > 0 and <= 254 } && !address.Any(char.IsControl) && EmailPattern().IsMatch(address);

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^[^\s@<>,;""()\[\]\\]+@[^\s@<>,;""()\[\]\\]+\.[^\s@<>,;""()\[\]\\]+$")]
    private static partial Regex EmailPattern();
}

/// <summary>When a subscription's reports are due (pure; decision 0056).</summary>
public static class ReportSchedule
{
    /// <summary>
    /// The periods of <paramref name="subscription"/>'s kind that have ended by <paramref name="now"/> after the
    /// subscription was made and within <paramref name="catchUp"/> before now, oldest first, as their first instant.
    /// Asked again on every pass of the circular schedule: the outbox keeps one delivery per subscription and period,
    /// so asking twice sends once, and a node that was down for less than <paramref name="catchUp"/> misses nothing.
    /// </summary>
    public static IReadOnlyList<DateTimeOffset> DuePeriods(ReportSubscription subscription, DateTimeOffset now, TimeSpan utcOffset, TimeSpan catchUp)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        if (subscription.Retired || subscription.Report != ReportKind.Circular || subscription.Period is not { } kind)
        {
            return [];
        }

        var since = subscription.CreatedAt > now - catchUp ? subscription.CreatedAt : now - catchUp;
        var today = DateOnly.FromDateTime(now.ToOffset(utcOffset).DateTime);
        var (current, _) = Circular.PeriodOf(kind, today, utcOffset);
        var due = new List<DateTimeOffset>();
        // Walk back from the period now running: each earlier one ended where the next began.
        for (var (from, end) = (Circular.PreviousFrom(kind, current, utcOffset), current); end > since; end = from, from = Circular.PreviousFrom(kind, from, utcOffset))
        {
            due.Add(from);
        }

        due.Reverse();
        return due;
    }

    /// <summary><c>report:{subscription}#monthly:2026-11-01</c>: one delivery per subscription and period in the record outbox.</summary>
    public static string Subject(string subscriptionId, CircularPeriod period, DateTimeOffset from, TimeSpan utcOffset) =>
        string.Create(CultureInfo.InvariantCulture, $"report:{subscriptionId}#{period.ToString().ToLowerInvariant()}:{from.ToOffset(utcOffset):yyyy-MM-dd}");
}

/// <summary>
/// When a handover subscription's report is due (pure; decision 0061): at a shift change, the roster's (a shift
/// starting) or a configured local time of day. Only the latest change that has come is due, after the subscription
/// was made and within the catch-up: a handover is a snapshot for the shift taking over, so an older one a down node
/// missed is not worth sending once a newer one is due.
/// </summary>
public static class HandoverSchedule
{
    /// <summary>The latest of <paramref name="changes"/> at or before <paramref name="now"/> that is due, or null.</summary>
    public static DateTimeOffset? Due(ReportSubscription subscription, IEnumerable<DateTimeOffset> changes, DateTimeOffset now, TimeSpan catchUp)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentNullException.ThrowIfNull(changes);
        if (subscription.Retired || subscription.Report != ReportKind.Handover)
        {
            return null;
        }

        var latest = changes.Where(c => c <= now).DefaultIfEmpty(DateTimeOffset.MinValue).Max();
        return latest > subscription.CreatedAt && latest > now - catchUp ? latest : null;
    }

    /// <summary>The instants in (<paramref name="from"/>, <paramref name="to"/>] at which the local clock shows one of <paramref name="times"/>.</summary>
    public static IReadOnlyList<DateTimeOffset> ConfiguredChanges(IReadOnlyCollection<TimeOnly> times, DateTimeOffset from, DateTimeOffset to, TimeSpan utcOffset)
    {
        ArgumentNullException.ThrowIfNull(times);
        var changes = new List<DateTimeOffset>();
        for (var day = DateOnly.FromDateTime(from.ToOffset(utcOffset).DateTime); new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), utcOffset) <= to; day = day.AddDays(1))
        {
            changes.AddRange(times.Select(t => new DateTimeOffset(day.ToDateTime(t), utcOffset)).Where(c => c > from && c <= to));
        }

        return [.. changes.Distinct().Order()];
    }

    /// <summary><c>handover:{subscription}#2026-12-07T00:00Z</c>: one delivery per subscription and shift change in the record outbox.</summary>
    public static string Subject(string subscriptionId, DateTimeOffset change) =>
        string.Create(CultureInfo.InvariantCulture, $"handover:{subscriptionId}#{change.UtcDateTime:yyyy-MM-ddTHH:mm:ss}Z");
}
