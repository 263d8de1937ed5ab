using System.Globalization;
using System.Net;
using System.Text;
using RiskMonitor.Domain.Reports;

namespace RiskMonitor.Server.Reports.Circulars;

/// <summary>
/// The circular as one printable page (A4 landscape print styles, an SVG bar chart, no script and no external file), so
/// it prints the same from any browser and can be saved as it is.
/// </summary>
internal static class CircularHtml
{
    public static string Write(CircularReport report, string title, TimeSpan offset)
    {
        ArgumentNullException.ThrowIfNull(report);
        var html = new StringBuilder(16_384);
        html.Append("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title><style>")
            .Append("@page{size:A4 landscape;margin:12mm}body{font-family:'Noto Sans CJK SC','WenQuanYi Zen Hei','Droid Sans Fallback',sans-serif;font-size:12px;color:#222;margin:16px}")
            .Append("h1{font-size:20px;margin:0 0 4px}h2{font-size:15px;margin:18px 0 6px;break-after:avoid}table{border-collapse:collapse;width:100%;break-inside:auto}")
            .Append("th,td{border:1px solid #bbb;padding:3px 5px;text-align:center}th{background:#eee}td:first-child{text-align:left}tr{break-inside:avoid}")
            .Append(".meta{color:#666}.chart{width:100%;height:170px}@media print{.noprint{display:none}}</style></head><body>");
        html.Append("<h1>").Append(E(title)).Append("</h1><p class=\"meta\">期间 ").Append(E(CircularText.Period(report, offset)))
            .Append(" · 范围 ").Append(E(report.Scope)).Append("</p><p class=\"noprint\"><button onclick=\"print()\">打印</button></p>");
        html.Append("<h2>一、总体情况</h2>");
        Table(html, CircularText.Columns, [CircularText.Cells(report.Total)]);
        html.Append("<h2>二、每日预警数</h2>");
        Chart(html, report.Kpis.PerDay.Select(d => (d.Day, d.Total)).ToList());
        var section = 3;
        foreach (var ranking in report.Rankings)
        {
            html.Append("<h2>").Append(section++ switch { 3 => "三", 4 => "四", 5 => "五", _ => "六" }).Append('、')
                .Append(E(CircularText.Dimension(ranking.Dimension))).Append("排名</h2>");
            Table(html, CircularText.Columns, ranking.Rows.Select(CircularText.Cells), ranking.Rows.Select(r => r.OrganisationId).ToList());
        }

        if (report.Rescues is { } rescues)
        {
            html.Append("<h2>").Append(section switch { 3 => "三", 4 => "四", 5 => "五", 6 => "六", _ => "七" }).Append('、')
                .Append(E(CircularText.RescueHeading)).Append("</h2>");
            if (rescues.Count == 0)
            {
                html.Append("<p class=\"meta\">").Append(E(CircularText.NoRescues)).Append("</p>");
            }
            else
            {
                Table(html, CircularText.RescueColumns, rescues.Select(CircularText.RescueCells));
            }
        }

        return html.Append("</body></html>").ToString();
    }

    /// <param name="organisationIds">Per row, the registry id of the organisation it stands for (null: free text), shown as the name's tooltip.</param>
    private static void Table(StringBuilder html, IEnumerable<string> columns, IEnumerable<string[]> rows, IReadOnlyList<string?>? organisationIds = null)
    {
        html.Append("<table><thead><tr>");
        foreach (var column in columns)
        {
            html.Append("<th>").Append(E(column)).Append("</th>");
        }

        html.Append("</tr></thead><tbody>");
        var index = 0;
        foreach (var row in rows)
        {
            var id = organisationIds is not null && index < organisationIds.Count ? organisationIds[index] : null;
            index++;
            html.Append(id is null ? "<tr>" : "<tr data-organisation=\"" + E(id) + "\">");
            for (var c = 0; c < row.Length; c++)
            {
                html.Append(c == 0 && id is not null ? "<td title=\"" + E(CircularText.OrganisationIdColumn + " " + id) + "\">" : "<td>").Append(E(row[c])).Append("</td>");
            }

            html.Append("</tr>");
        }

        html.Append("</tbody></table>");
    }

    private static void Chart(StringBuilder html, IReadOnlyList<(DateOnly Day, int Total)> days)
    {
        const double width = 1000, height = 150;
        var max = Math.Max(1, days.Count == 0 ? 1 : days.Max(d => d.Total));
        var slot = width / Math.Max(1, days.Count);
        html.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" viewBox=\"0 0 {width} {height + 20}\" role=\"img\" aria-label=\"每日预警数\">");
        for (var i = 0; i < days.Count; i++)
        {
            var h = height * days[i].Total / max;
            var x = (i * slot) + (slot * 0.15);
            html.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x:0.#}\" y=\"{height - h:0.#}\" width=\"{slot * 0.7:0.#}\" height=\"{h:0.#}\" fill=\"#c0392b\"><title>{days[i].Day:yyyy-MM-dd}: {days[i].Total}</title></rect>");
            html.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + (slot * 0.35):0.#}\" y=\"{height + 14}\" font-size=\"10\" text-anchor=\"middle\">{days[i].Day:dd}</text>");
        }

        html.Append("</svg>");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
