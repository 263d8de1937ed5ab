namespace RiskMonitor.Domain.Escalation;

/// <summary>Where a clock stands: still running, met in time, met late, or overdue now.</summary>
public enum ClockStatus
{
    Pending,
    Met,
    MetLate,
    Overdue,
}

/// <param name="Target"><c>authority</c>, or <c>level_1</c>, <c>level_2</c>, ... up the grid.</param>
public sealed record RegulatoryClock(string Target, DateTimeOffset Due, DateTimeOffset? ReportedAt, ClockStatus Status);

/// <summary>
/// The reporting deadlines on an incident (DESIGN.md §6): report to the authority within 1 h of confirmation, and each
/// level of upward reporting within 2 h of the one below (level 1 within 2 h of confirmation). Pure.
/// </summary>
public static class RegulatoryClocks
{
    public const string Authority = "authority";

    public static TimeSpan AuthorityWithin { get; } = TimeSpan.FromHours(1);

    public static TimeSpan EachLevelWithin { get; } = TimeSpan.FromHours(2);

    public static string Level(int level) => $"level_{level}";

    /// <param name="reports">When each target was reported to (the earliest report per target counts).</param>
    /// <param name="levels">How many levels of upward reporting apply (the grid above the incident).</param>
    public static IReadOnlyList<RegulatoryClock> Evaluate(
        DateTimeOffset confirmedAt, IReadOnlyDictionary<string, DateTimeOffset> reports, int levels, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var clocks = new List<RegulatoryClock> { Clock(Authority, confirmedAt + AuthorityWithin, reports, now) };
        var previous = confirmedAt;
        for (var level = 1; level <= levels; level++)
        {
            var clock = Clock(Level(level), previous + EachLevelWithin, reports, now);
            clocks.Add(clock);
            // The next level's clock starts when this level was told; while it has not been, from when it was due.
            previous = clock.ReportedAt ?? clock.Due;
        }

        return clocks;
    }

    private static RegulatoryClock Clock(string target, DateTimeOffset due, IReadOnlyDictionary<string, DateTimeOffset> reports, DateTimeOffset now)
    {
        if (reports.TryGetValue(target, out var at))
        {
            return new RegulatoryClock(target, due, at, at <= due ? ClockStatus.Met : ClockStatus.MetLate);
        }

        return new RegulatoryClock(target, due, null, now > due ? ClockStatus.Overdue : ClockStatus.Pending);
    }
}
