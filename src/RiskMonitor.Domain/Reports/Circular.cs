using System.Globalization;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Responsibility;

namespace RiskMonitor.Domain.Reports;

/// <summary>The periods a circular (通报) covers: local calendar days, ISO weeks (Monday first), months and quarters.</summary>
public enum CircularPeriod
{
    Daily,
    Weekly,
    Monthly,
    Quarterly,
}

/// <summary>What a circular ranks by.</summary>
public enum CircularDimension
{
    /// <summary>The asset's owner unit (企业主体责任).</summary>
    OwnerUnit,

    /// <summary>The regulator of the asset's industry (管行业必须管安全).</summary>
    Regulator,

    District,

    Street,
}

/// <summary>One alert as a circular sees it: its ledger facts and where it belongs in each dimension (null: not known).</summary>
/// <param name="OwnerUnit">The owner unit's name: the registered organisation's when the asset names one, else the free text.</param>
public sealed record CircularAlert(AlertFacts Facts, string? OwnerUnit, string? Regulator, string? District, string? Street)
{
    /// <summary>The organisation registry's id of <see cref="OwnerUnit"/>; null when it is free text (no registered organisation).</summary>
    public string? OwnerUnitId { get; init; }

    /// <summary>The organisation registry's id of <see cref="Regulator"/>; null when it is a department from configuration.</summary>
    public string? RegulatorId { get; init; }
}

/// <summary>One hidden hazard as a circular sees it, at the end of the period.</summary>
public sealed record CircularHazard(bool Open, bool Overdue, string? OwnerUnit, string? Regulator, string? District, string? Street)
{
    /// <summary>As <see cref="CircularAlert.OwnerUnitId"/>.</summary>
    public string? OwnerUnitId { get; init; }

    /// <summary>As <see cref="CircularAlert.RegulatorId"/>.</summary>
    public string? RegulatorId { get; init; }
}

/// <summary>
/// One line of a ranking. <see cref="Overdue"/> counts the alerts not acknowledged within their time (an escalation fired);
/// <see cref="FalseAlarmShare"/> is of the alerts closed; <see cref="PreviousAlerts"/> is the same count for the period before.
/// </summary>
public sealed record CircularRow(
    string Name,
    int Alerts,
    int PreviousAlerts,
    int Acknowledged,
    TimeSpan? MedianAcknowledge,
    int Overdue,
    int Closed,
    int FalseAlarms,
    double? FalseAlarmShare,
    int OpenHazards,
    int OverdueHazards)
{
    public int Change => Alerts - PreviousAlerts;

    /// <summary>
    /// The organisation registry's id of the owner unit or regulator this line stands for; null for a line named by free
    /// text (or configuration), for a district or street, and for 未登记. Two organisations of one name stay two lines.
    /// </summary>
    public string? OrganisationId { get; init; }
}

public sealed record CircularRanking(CircularDimension Dimension, IReadOnlyList<CircularRow> Rows);

/// <summary>One maintenance unit's rescues of entrapments in a circular: its name and its figures (decision 0054).</summary>
public sealed record CircularRescueRow(string Name, UnitRescueKpi Kpi);

/// <param name="Rescues">Per maintenance unit, late first; null when not gathered (a region-scoped reader: a rescue
/// record names its unit, not its lift's region).</param>
public sealed record CircularReport(
    CircularPeriod Period,
    DateTimeOffset From,
    DateTimeOffset To,
    DateTimeOffset PreviousFrom,
    string Scope,
    CircularRow Total,
    IReadOnlyList<CircularRanking> Rankings,
    AlertKpiReport Kpis,
    IReadOnlyList<CircularRescueRow>? Rescues = null);

/// <summary>
/// The circular (定期通报) of a period (pure): totals and rankings by owner unit, regulator, district and street, the
/// worst first: most overdue, then slowest to acknowledge, then most alerts, then name (so the order is stable). Figures
/// are of the alerts raised in [from, to); hazards are as they stand at the end of the period. A thing with no known
/// owner unit (regulator, district, street) is counted under "未登记" (not registered), so the columns add up to the total.
/// </summary>
public static class Circular
{
    public const string Unregistered = "未登记";

    /// <summary>The period of <paramref name="kind"/> that contains <paramref name="day"/>, in local time at <paramref name="utcOffset"/>.</summary>
    public static (DateTimeOffset From, DateTimeOffset To) PeriodOf(CircularPeriod kind, DateOnly day, TimeSpan utcOffset)
    {
        var start = kind switch
        {
            CircularPeriod.Daily => day,
            CircularPeriod.Weekly => day.AddDays(-(((int)day.DayOfWeek + 6) % 7)),
            CircularPeriod.Monthly => new DateOnly(day.Year, day.Month, 1),
            CircularPeriod.Quarterly => new DateOnly(day.Year, (((day.Month - 1) / 3) * 3) + 1, 1),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        var end = kind switch
        {
            CircularPeriod.Daily => start.AddDays(1),
            CircularPeriod.Weekly => start.AddDays(7),
            CircularPeriod.Monthly => start.AddMonths(1),
            _ => start.AddMonths(3),
        };
        return (Local(start, utcOffset), Local(end, utcOffset));
    }

    /// <summary>The period of the same kind just before [<paramref name="from"/>, …).</summary>
    public static DateTimeOffset PreviousFrom(CircularPeriod kind, DateTimeOffset from, TimeSpan utcOffset)
    {
        var day = DateOnly.FromDateTime(from.ToOffset(utcOffset).DateTime);
        return PeriodOf(kind, kind switch
        {
            CircularPeriod.Daily => day.AddDays(-1),
            CircularPeriod.Weekly => day.AddDays(-7),
            CircularPeriod.Monthly => day.AddMonths(-1),
            _ => day.AddMonths(-3),
        }, utcOffset).From;
    }

    public static string Title(CircularPeriod kind, DateTimeOffset from, TimeSpan utcOffset)
    {
        var local = from.ToOffset(utcOffset);
        return kind switch
        {
            CircularPeriod.Daily => local.ToString("yyyy年M月d日", CultureInfo.InvariantCulture) + "安全风险监测日报",
            CircularPeriod.Weekly => local.ToString("yyyy年M月d日", CultureInfo.InvariantCulture) + "起一周安全风险监测周报",
            CircularPeriod.Monthly => local.ToString("yyyy年M月", CultureInfo.InvariantCulture) + "安全风险监测月报（通报）",
            _ => string.Create(CultureInfo.InvariantCulture, $"{local.Year}年第{((local.Month - 1) / 3) + 1}季度安全风险形势分析"),
        };
    }

    public static CircularReport Compute(
        CircularPeriod kind, DateTimeOffset from, DateTimeOffset to, TimeSpan utcOffset, string scope,
        IReadOnlyCollection<CircularAlert> alerts, IReadOnlyCollection<CircularAlert> previous, IReadOnlyCollection<CircularHazard> hazards)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(hazards);
        // Drills are left out of circulars (decision 0042), this period's and the previous one's.
        var inPeriod = alerts.Where(a => !Drills.Exercise.IsExerciseAlert(a.Facts.AlertId) && a.Facts.RaisedAt >= from && a.Facts.RaisedAt < to).ToList();
        previous = [.. previous.Where(a => !Drills.Exercise.IsExerciseAlert(a.Facts.AlertId))];
        var total = Row("合计", inPeriod, previous, hazards);
        var rankings = Enum.GetValues<CircularDimension>().Select(dimension =>
        {
            var keys = inPeriod.Select(a => Key(a, dimension)).Concat(hazards.Select(h => Key(h, dimension))).Distinct();
            var rows = keys.Select(key => Row(
                    key.Name,
                    inPeriod.Where(a => Key(a, dimension) == key).ToList(),
                    previous.Where(a => Key(a, dimension) == key).ToList(),
                    hazards.Where(h => Key(h, dimension) == key).ToList()) with
            { OrganisationId = key.Id })
                .OrderByDescending(r => r.Overdue)
                .ThenByDescending(r => r.MedianAcknowledge ?? TimeSpan.Zero)
                .ThenByDescending(r => r.Alerts)
                .ThenBy(r => r.Name, StringComparer.Ordinal)
                .ThenBy(r => r.OrganisationId, StringComparer.Ordinal)
                .ToList();
            return new CircularRanking(dimension, rows);
        }).ToList();
        return new CircularReport(
            kind, from, to, PreviousFrom(kind, from, utcOffset), scope, total, rankings,
            AlertKpis.Compute(inPeriod.Select(a => a.Facts), from, to, utcOffset));
    }

    /// <summary>
    /// The rescue ranking (pure): the units with the most late arrivals first, then the slowest median arrival, then the
    /// most rescues, then name, as the alert rankings name the slow first. <paramref name="nameOf"/> gives a unit's name
    /// (its id when unknown).
    /// </summary>
    public static IReadOnlyList<CircularRescueRow> RescueRanking(IEnumerable<UnitRescueKpi> units, Func<string, string?> nameOf)
    {
        ArgumentNullException.ThrowIfNull(units);
        ArgumentNullException.ThrowIfNull(nameOf);
        return [.. units.Select(u => new CircularRescueRow(nameOf(u.UnitId) ?? u.UnitId, u))
            .OrderByDescending(r => r.Kpi.Late)
            .ThenByDescending(r => r.Kpi.MedianArrivalMinutes ?? 0)
            .ThenByDescending(r => r.Kpi.Rescues)
            .ThenBy(r => r.Name, StringComparer.Ordinal)];
    }

    private static CircularRow Row(string name, IReadOnlyCollection<CircularAlert> alerts, IReadOnlyCollection<CircularAlert> previous, IReadOnlyCollection<CircularHazard> hazards)
    {
        var acknowledged = alerts.Where(a => a.Facts.AcknowledgedAt is not null).Select(a => a.Facts.AcknowledgedAt!.Value - a.Facts.RaisedAt).Order().ToList();
        var closed = alerts.Count(a => a.Facts.ClosedAt is not null);
        var falseAlarms = alerts.Count(a => a.Facts.ClosedAt is not null && string.Equals(a.Facts.Cause, AlertKpis.FalseAlarmCause, StringComparison.OrdinalIgnoreCase));
        return new CircularRow(
            name,
            alerts.Count,
            previous.Count,
            acknowledged.Count,
            acknowledged.Count == 0 ? null : AlertKpis.Percentile(acknowledged, 0.5),
            alerts.Count(a => a.Facts.Escalations > 0),
            closed,
            falseAlarms,
            closed == 0 ? null : (double)falseAlarms / closed,
            hazards.Count(h => h.Open),
            hazards.Count(h => h.Open && h.Overdue));
    }

    // A line is a registered organisation (its id) or a name: an owner unit of the registry and free text of the same
    // name are not merged here (the source maps a free text naming a registered organisation to it before).
    private static LineKey Key(CircularAlert alert, CircularDimension dimension) => dimension switch
    {
        CircularDimension.OwnerUnit => LineKey.Of(alert.OwnerUnitId, alert.OwnerUnit),
        CircularDimension.Regulator => LineKey.Of(alert.RegulatorId, alert.Regulator),
        CircularDimension.District => LineKey.Of(null, alert.District),
        _ => LineKey.Of(null, alert.Street),
    };

    private static LineKey Key(CircularHazard hazard, CircularDimension dimension) => dimension switch
    {
        CircularDimension.OwnerUnit => LineKey.Of(hazard.OwnerUnitId, hazard.OwnerUnit),
        CircularDimension.Regulator => LineKey.Of(hazard.RegulatorId, hazard.Regulator),
        CircularDimension.District => LineKey.Of(null, hazard.District),
        _ => LineKey.Of(null, hazard.Street),
    };

    private readonly record struct LineKey(string? Id, string Name)
    {
        public static LineKey Of(string? id, string? name) => string.IsNullOrWhiteSpace(name)
            ? new(id, id ?? Unregistered)
            : new(id, name);
    }

    private static DateTimeOffset Local(DateOnly day, TimeSpan utcOffset) => new(day.ToDateTime(TimeOnly.MinValue), utcOffset);
}
