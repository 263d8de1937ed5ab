using System.Globalization;

namespace RiskMonitor.Domain.Messaging;

/// <summary>
/// A person's quiet window in local time (for example 22:00-07:00 for someone off shift). During it, e-mail and text
/// messages below red are held back from that person; red (I级) always goes through, because a red warning that waits
/// for the morning is the failure this platform exists to prevent. The person still sees every notice on the on-call
/// page, and the escalation ladder still climbs to the next level and the duty room.
/// </summary>
/// <param name="From">Start of the quiet window, local time (inclusive).</param>
/// <param name="To">End of the window, local time (exclusive); before <paramref name="From"/> means it wraps past midnight.</param>
/// <param name="UtcOffset">The local time the window is written in.</param>
public sealed record QuietHours(TimeOnly From, TimeOnly To, TimeSpan UtcOffset)
{
    /// <summary>Whether a notice of <paramref name="severity"/> at <paramref name="at"/> is held back from this person.</summary>
    public bool Silences(DateTimeOffset at, WarningLevel severity)
    {
        if (severity >= WarningLevel.Red || From == To)
        {
            return false;
        }

        var local = TimeOnly.FromTimeSpan(at.ToOffset(UtcOffset).TimeOfDay);
        return From < To ? local >= From && local < To : local >= From || local < To;
    }

    /// <summary>Parses <c>HH:mm-HH:mm</c>; null and a reason when it is not that.</summary>
    public static QuietHours? TryParse(string? text, TimeSpan utcOffset, out string? problem)
    {
        problem = null;
        var parts = (text ?? string.Empty).Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length == 2
            && TimeOnly.TryParseExact(parts[0], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)
            && TimeOnly.TryParseExact(parts[1], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var to))
        {
            return new QuietHours(from, to, utcOffset);
        }

        problem = $"Quiet hours '{text}' are not HH:mm-HH:mm (for example 22:00-07:00).";
        return null;
    }
}
