using System.Globalization;
using System.Text.RegularExpressions;

namespace RiskMonitor.Domain.Reports;

/// <summary>
/// One person who receives one kind of circular by e-mail, for the whole city or for some regions (issue 20 item 6,
/// decision 0056). Versioned and retired, never deleted, like the registry's records: its id names its deliveries.
/// </summary>
/// <param name="Regions">The regions the report covers (a district's account gets its district's); empty for the whole city.</param>
public sealed partial record ReportSubscription(
    string Id, CircularPeriod Period, string Recipient, string Email, IReadOnlyList<string> Regions, DateTimeOffset CreatedAt, bool Retired = false, int Version = 0)
{
    public const int MaxRegions = 50;

    /// <summary>What is wrong with it, by field; empty when it can be saved. <paramref name="regionExists"/> asks the region tree in force.</summary>
    public Dictionary<string, string[]> Problems(Func<string, bool> regionExists)
    {
        ArgumentNullException.ThrowIfNull(regionExists);
        var problems = new Dictionary<string, string[]>();
        if (!IdPattern().IsMatch(Id ?? ""))
        {
            problems["id"] = ["1-64 characters: lower-case letters, digits, '-' and '_', starting with a letter or digit."];
        }

        if (!Enum.IsDefined(Period))
        {
            problems["period"] = ["One of daily, weekly, monthly, quarterly."];
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
        if (subscription.Retired)
        {
            return [];
        }

        var since = subscription.CreatedAt > now - catchUp ? subscription.CreatedAt : now - catchUp;
        var today = DateOnly.FromDateTime(now.ToOffset(utcOffset).DateTime);
        var (current, _) = Circular.PeriodOf(subscription.Period, today, utcOffset);
        var due = new List<DateTimeOffset>();
        // Walk back from the period now running: each earlier one ended where the next began.
        for (var (from, end) = (Circular.PreviousFrom(subscription.Period, current, utcOffset), current); end > since; end = from, from = Circular.PreviousFrom(subscription.Period, from, utcOffset))
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
