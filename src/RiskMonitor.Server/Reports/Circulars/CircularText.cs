using System.Globalization;
using RiskMonitor.Domain.Reports;

namespace RiskMonitor.Server.Reports.Circulars;

/// <summary>The words and number formats all three renderings (page, PDF, .xlsx) share, so they say the same thing.</summary>
internal static class CircularText
{
    public static readonly string[] Columns =
        ["名称", "预警数", "上期", "环比", "已响应", "响应时间中位数(分)", "超时未响应", "已销号", "误报", "误报率", "在办隐患", "逾期隐患"];

    public static readonly string[] RescueColumns =
        ["维保单位", "困人救援", "已到场", "到场超时", "到场时间中位数(分)", "到场最长(分)", "已解困", "解困时间中位数(分)"];

    /// <summary>Header of the .xlsx column with a line's organisation id in the registry (owner units and regulators).</summary>
    public const string OrganisationIdColumn = "登记编号";

    public const string RescueHeading = "维保单位困人救援（到场超时多者在前）";

    public const string NoRescues = "本期无电梯困人救援。";

    /// <summary>A rescue row's cells as text, in <see cref="RescueColumns"/> order.</summary>
    public static string[] RescueCells(CircularRescueRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var k = row.Kpi;
        return [row.Name, N(k.Rescues), N(k.Arrived), N(k.Late), M(k.MedianArrivalMinutes), M(k.MaxArrivalMinutes), N(k.Released), M(k.MedianReleaseMinutes)];
    }

    /// <summary>Minutes with one decimal as the .xlsx stores them, or null.</summary>
    public static double? Round(double? minutes) => minutes is { } m ? Math.Round(m, 1) : null;

    private static string M(double? minutes) => Round(minutes)?.ToString("0.0", CultureInfo.InvariantCulture) ?? "—";

    public static string Dimension(CircularDimension dimension) => dimension switch
    {
        CircularDimension.OwnerUnit => "按权属单位",
        CircularDimension.Regulator => "按行业监管部门",
        CircularDimension.District => "按区县",
        _ => "按街道",
    };

    public static string Period(CircularReport report, TimeSpan offset) =>
        report.From.ToOffset(offset).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " 至 " +
        report.To.AddTicks(-1).ToOffset(offset).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Minutes with one decimal, or null when nothing was acknowledged.</summary>
    public static double? Minutes(TimeSpan? duration) => duration is { } d ? Math.Round(d.TotalMinutes, 1) : null;

    public static string Percent(double? share) => share is { } s ? s.ToString("0.0%", CultureInfo.InvariantCulture) : "—";

    public static string Signed(int change) => change > 0 ? "+" + change.ToString(CultureInfo.InvariantCulture) : change.ToString(CultureInfo.InvariantCulture);

    /// <summary>A row's cells as text, in <see cref="Columns"/> order.</summary>
    public static string[] Cells(CircularRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return
        [
            row.Name, N(row.Alerts), N(row.PreviousAlerts), Signed(row.Change), N(row.Acknowledged),
            Minutes(row.MedianAcknowledge)?.ToString("0.0", CultureInfo.InvariantCulture) ?? "—", N(row.Overdue), N(row.Closed), N(row.FalseAlarms),
            Percent(row.FalseAlarmShare), N(row.OpenHazards), N(row.OverdueHazards),
        ];
    }

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
}
