namespace RiskMonitor.Domain.Incidents;

/// <summary>The administrative levels an incident report climbs (条例第十条).</summary>
public enum AdministrativeLevel
{
    /// <summary>县级: the unit reports here first, within 1 h of knowing (条例第九条).</summary>
    County,

    /// <summary>设区的市级.</summary>
    City,

    /// <summary>省级.</summary>
    Province,

    /// <summary>国务院安全生产监督管理部门 (the ministry).</summary>
    StateCouncil,
}

/// <summary>首报, 续报, 终报.</summary>
public enum ReportKind
{
    First,
    FollowUp,
    Final,
}

/// <summary>Where one clock of the ladder stands.</summary>
public enum LadderClockStatus
{
    /// <summary>Not yet reported, more than <see cref="ReportingLadder.WarnBefore"/> left.</summary>
    Pending,

    /// <summary>Not yet reported, less than <see cref="ReportingLadder.WarnBefore"/> left: pushed to the duty room and the leader on duty.</summary>
    DueSoon,

    /// <summary>Reported in time.</summary>
    Met,

    /// <summary>Reported after its due time: 迟报, for ever.</summary>
    MetLate,

    /// <summary>Not reported and past due: 迟报 now.</summary>
    Overdue,
}

/// <summary>
/// One clock: the first report to a level, or a follow-up owed after casualty figures changed.
/// <see cref="Key"/> is stable (<c>first:county</c>, <c>follow_up:2</c>) so a mark made on it is found again.
/// </summary>
public sealed record LadderClock(
    string Key, ReportKind Kind, AdministrativeLevel? Level, DateTimeOffset StartedAt, DateTimeOffset Due, DateTimeOffset? ReportedAt, LadderClockStatus Status)
{
    /// <summary>迟报: reported late or not reported in time. Once true it stays true: both times it rests on are recorded.</summary>
    public bool Late => Status is LadderClockStatus.MetLate or LadderClockStatus.Overdue;
}

/// <summary>
/// The reporting ladder of 生产安全事故报告和调查处理条例 (docs/rules.md): the unit reports to the county-level authority
/// within 1 h of knowing (第九条); each authority reports to the next level within 2 h (第十一条); how high it goes follows
/// the grade (第十条: 一般 to the city, 较大 to the province, 重大 and 特别重大 to the State Council's department). A
/// re-grade adds levels; a level added later starts its clock when it became required or when the level below was
/// told, whichever is later. Casualty changes within 30 days (7 for road traffic and fire, 第十三条) owe a follow-up by the
/// end of that day (China Standard Time). Pure.
/// </summary>
public static class ReportingLadder
{
    public static TimeSpan CountyWithin { get; } = TimeSpan.FromHours(1);

    public static TimeSpan EachLevelWithin { get; } = TimeSpan.FromHours(2);

    /// <summary>A clock with less than this left is pushed to the duty room and the leader on duty.</summary>
    public static TimeSpan WarnBefore { get; } = TimeSpan.FromMinutes(15);

    /// <summary>Follow-ups are owed for casualty changes within this long of the incident (第十三条).</summary>
    public static TimeSpan FollowUpWindow(string incidentType) =>
        incidentType is "road_traffic" or "fire" ? TimeSpan.FromDays(7) : TimeSpan.FromDays(30);

    /// <summary>The highest level an incident of this grade must be reported to (第十条).</summary>
    public static AdministrativeLevel TopFor(IncidentGrade grade) => grade switch
    {
        IncidentGrade.General => AdministrativeLevel.City,
        IncidentGrade.Larger => AdministrativeLevel.Province,
        _ => AdministrativeLevel.StateCouncil,
    };

    /// <summary>The end of the China Standard Time day of <paramref name="at"/>: a follow-up is owed the same day.</summary>
    public static DateTimeOffset EndOfChinaDay(DateTimeOffset at)
    {
        var china = at.ToOffset(TimeSpan.FromHours(8));
        return new DateTimeOffset(china.Date.AddDays(1), TimeSpan.FromHours(8)).ToUniversalTime();
    }

    /// <summary><c>first:county</c>, <c>first:state_council</c>: the level as the API writes it.</summary>
    public static string FirstKey(AdministrativeLevel level) => "first:" + LevelKey(level);

    /// <summary>The level as the API writes it: <c>county</c>, <c>city</c>, <c>province</c>, <c>state_council</c>.</summary>
    public static string LevelKey(AdministrativeLevel level) => level switch
    {
        AdministrativeLevel.County => "county",
        AdministrativeLevel.City => "city",
        AdministrativeLevel.Province => "province",
        _ => "state_council",
    };

    /// <summary>The kind as the API writes it: <c>first</c>, <c>follow_up</c>, <c>final</c>.</summary>
    public static string KindKey(ReportKind kind) => kind switch
    {
        ReportKind.First => "first",
        ReportKind.FollowUp => "follow_up",
        _ => "final",
    };

    public static string FollowUpKey(int change) => "follow_up:" + change.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Every clock of the incident at <paramref name="now"/>: first reports up the ladder, then owed follow-ups.</summary>
    public static IReadOnlyList<LadderClock> Clocks(IncidentRecord incident, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var clocks = new List<LadderClock>();
        DateTimeOffset? previousAnchor = null;
        foreach (var required in incident.RequiredLevels)
        {
            var started = previousAnchor is { } below ? Max(below, required.Since) : incident.KnownAt;
            var due = started + (previousAnchor is null ? CountyWithin : EachLevelWithin);
            var reported = incident.Reports.Where(r => r.Kind == ReportKind.First && r.Level == required.Level).Select(r => (DateTimeOffset?)r.At).Min();
            clocks.Add(new LadderClock(FirstKey(required.Level), ReportKind.First, required.Level, started, due, reported, Status(due, reported, now)));
            // The next level's clock runs from when this level was told; while it has not been, from when it was due.
            previousAnchor = reported ?? due;
        }

        for (var k = 0; k < incident.CasualtyChanges.Count; k++)
        {
            var change = incident.CasualtyChanges[k];
            var due = EndOfChinaDay(change);
            var reported = incident.Reports.Where(r => r.Kind is ReportKind.FollowUp or ReportKind.Final && r.At >= change).Select(r => (DateTimeOffset?)r.At).Min();
            clocks.Add(new LadderClock(FollowUpKey(k + 1), ReportKind.FollowUp, null, change, due, reported, Status(due, reported, now)));
        }

        return clocks;
    }

    private static LadderClockStatus Status(DateTimeOffset due, DateTimeOffset? reported, DateTimeOffset now) => reported switch
    {
        { } at when at <= due => LadderClockStatus.Met,
        not null => LadderClockStatus.MetLate,
        null when now > due => LadderClockStatus.Overdue,
        null when now >= due - WarnBefore => LadderClockStatus.DueSoon,
        _ => LadderClockStatus.Pending,
    };

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
