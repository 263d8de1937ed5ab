using ClosedXML.Excel;
using RiskMonitor.Domain.Reports;

namespace RiskMonitor.Server.Reports.Circulars;

/// <summary>
/// The circular as an .xlsx workbook (ClosedXML): a summary sheet with the totals and the alerts per day, and one sheet per
/// ranking. Numbers are numbers (not text), so a reader can sort and sum them. The summary has a native column chart of the
/// alerts per day (<see cref="XlsxChart"/>, decision 0048), and the counts carry in-cell data bars (decision 0036a).
/// </summary>
internal static class CircularXlsx
{
    public const string SummarySheet = "概要";

    /// <summary>The maintenance units' rescues: one row per unit, numbers as numbers (minutes with one decimal).</summary>
    public const string RescueSheet = "维保单位救援";

    public static string SheetName(CircularDimension dimension) => CircularText.Dimension(dimension);

    public static byte[] Write(CircularReport report, string title, TimeSpan offset)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var workbook = new XLWorkbook();
        var summary = workbook.Worksheets.Add(SummarySheet);
        summary.Cell(1, 1).Value = title;
        summary.Cell(1, 1).Style.Font.Bold = true;
        summary.Cell(1, 1).Style.Font.FontSize = 14;
        summary.Cell(2, 1).Value = "期间";
        summary.Cell(2, 2).Value = CircularText.Period(report, offset);
        summary.Cell(3, 1).Value = "范围";
        summary.Cell(3, 2).Value = report.Scope;
        WriteHeader(summary, 5);
        WriteRow(summary, 6, report.Total);

        summary.Cell(8, 1).Value = "日期";
        summary.Cell(8, 2).Value = "预警数";
        summary.Range(8, 1, 8, 2).Style.Font.Bold = true;
        var row = 9;
        foreach (var day in report.Kpis.PerDay)
        {
            summary.Cell(row, 1).Value = day.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            summary.Cell(row, 1).Style.DateFormat.Format = "yyyy-mm-dd"; // ClosedXML stores the text as a date; shown as the chart's labels
            summary.Cell(row, 2).Value = day.Total;
            row++;
        }

        if (row > 9)
        {
            summary.Range(9, 2, row - 1, 2).AddConditionalFormat().DataBar(XLColor.FromHtml("#c0392b")).LowestValue().HighestValue();
        }

        summary.Column(1).Width = 26;
        summary.Column(2).Width = 24;
        foreach (var ranking in report.Rankings)
        {
            var sheet = workbook.Worksheets.Add(SheetName(ranking.Dimension));
            // Owner units and regulators are organisations of the registry: their id beside the name, so a line can be
            // traced to its record (two organisations may share a name); a free-text line has none.
            var withId = ranking.Dimension is CircularDimension.OwnerUnit or CircularDimension.Regulator;
            WriteHeader(sheet, 1, withId);
            for (var i = 0; i < ranking.Rows.Count; i++)
            {
                WriteRow(sheet, i + 2, ranking.Rows[i], withId);
            }

            if (ranking.Rows.Count > 0)
            {
                sheet.Range(2, 2, ranking.Rows.Count + 1, 2).AddConditionalFormat().DataBar(XLColor.FromHtml("#e67e22")).LowestValue().HighestValue();
                sheet.Range(2, 7, ranking.Rows.Count + 1, 7).AddConditionalFormat().DataBar(XLColor.FromHtml("#c0392b")).LowestValue().HighestValue();
            }

            sheet.Column(1).Width = 30;
            sheet.SheetView.FreezeRows(1);
        }

        if (report.Rescues is { } rescues)
        {
            var sheet = workbook.Worksheets.Add(RescueSheet);
            for (var c = 0; c < CircularText.RescueColumns.Length; c++)
            {
                sheet.Cell(1, c + 1).Value = CircularText.RescueColumns[c];
            }

            sheet.Range(1, 1, 1, CircularText.RescueColumns.Length).Style.Font.Bold = true;
            sheet.Range(1, 1, 1, CircularText.RescueColumns.Length).Style.Fill.BackgroundColor = XLColor.FromHtml("#eeeeee");
            for (var i = 0; i < rescues.Count; i++)
            {
                var (r, k) = (i + 2, rescues[i].Kpi);
                sheet.Cell(r, 1).Value = rescues[i].Name;
                sheet.Cell(r, 2).Value = k.Rescues;
                sheet.Cell(r, 3).Value = k.Arrived;
                sheet.Cell(r, 4).Value = k.Late;
                Minutes(sheet.Cell(r, 5), k.MedianArrivalMinutes);
                Minutes(sheet.Cell(r, 6), k.MaxArrivalMinutes);
                sheet.Cell(r, 7).Value = k.Released;
                Minutes(sheet.Cell(r, 8), k.MedianReleaseMinutes);
            }

            sheet.Column(1).Width = 30;
            sheet.SheetView.FreezeRows(1);
        }

        using var stream = new MemoryStream();
        workbook.SaveAs(stream);
        if (DayChart(report) is { } chart)
        {
            // Beside the day table (D8 to M26): the same chart of alerts per day as the PDF and the printable page.
            XlsxChart.AddColumnChart(stream, chart, (3, 7, 13, 26));
        }

        return stream.ToArray();
    }

    /// <summary>The alerts per day as the summary sheet has them (rows 9 on, columns A and B); null for a period without days.</summary>
    public static XlsxChartData? DayChart(CircularReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var days = report.Kpis.PerDay;
        return days.Count == 0 ? null : new XlsxChartData(DayChartTitle, SummarySheet, 9, "A", "B",
            [.. days.Select(d => d.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))], [.. days.Select(d => (double)d.Total)]);
    }

    public const string DayChartTitle = "每日预警数";

    private static void Minutes(IXLCell cell, double? minutes)
    {
        if (CircularText.Round(minutes) is { } value)
        {
            cell.Value = value;
        }
    }

    /// <summary>The column (after the figures) with a line's organisation id in the registry, on the owner-unit and regulator sheets.</summary>
    public static readonly int OrganisationIdColumn = CircularText.Columns.Length + 1;

    private static void WriteHeader(IXLWorksheet sheet, int row, bool withId = false)
    {
        for (var c = 0; c < CircularText.Columns.Length; c++)
        {
            sheet.Cell(row, c + 1).Value = CircularText.Columns[c];
        }

        var last = CircularText.Columns.Length;
        if (withId)
        {
            sheet.Cell(row, OrganisationIdColumn).Value = CircularText.OrganisationIdColumn;
            last = OrganisationIdColumn;
        }

        sheet.Range(row, 1, row, last).Style.Font.Bold = true;
        sheet.Range(row, 1, row, last).Style.Fill.BackgroundColor = XLColor.FromHtml("#eeeeee");
    }

    private static void WriteRow(IXLWorksheet sheet, int row, CircularRow data, bool withId = false)
    {
        if (withId && data.OrganisationId is { } id)
        {
            sheet.Cell(row, OrganisationIdColumn).Value = id;
        }

        sheet.Cell(row, 1).Value = data.Name;
        sheet.Cell(row, 2).Value = data.Alerts;
        sheet.Cell(row, 3).Value = data.PreviousAlerts;
        sheet.Cell(row, 4).Value = data.Change;
        sheet.Cell(row, 5).Value = data.Acknowledged;
        if (CircularText.Minutes(data.MedianAcknowledge) is { } minutes)
        {
            sheet.Cell(row, 6).Value = minutes;
        }

        sheet.Cell(row, 7).Value = data.Overdue;
        sheet.Cell(row, 8).Value = data.Closed;
        sheet.Cell(row, 9).Value = data.FalseAlarms;
        if (data.FalseAlarmShare is { } share)
        {
            sheet.Cell(row, 10).Value = share;
            sheet.Cell(row, 10).Style.NumberFormat.Format = "0.0%";
        }

        sheet.Cell(row, 11).Value = data.OpenHazards;
        sheet.Cell(row, 12).Value = data.OverdueHazards;
    }
}
