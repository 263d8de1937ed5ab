using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Domain.Reports;
using RiskMonitor.Server.Platform.Security;

namespace RiskMonitor.Server.Reports.Circulars;

/// <summary>The shift handover report (交接班): what the outgoing shift hands to the next one, as JSON or a printable page.</summary>
internal static class HandoverEndpoints
{
    public static IEndpointRouteBuilder MapHandoverEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api/reports").WithTags("Reports").RequireAuthorization(Policies.View)
            .MapGet("/handover", Get).WithName("GetShiftHandover")
            .WithSummary("The shift handover now: the shift on duty and the next, open alerts (worst first), escalation clocks running, hazards overdue or due within 24 h; a scoped account sees its regions'; format=json|html.")
            .Produces<ShiftHandover>();
        return routes;
    }

    private static async Task<Results<Ok<ShiftHandover>, ContentHttpResult, ValidationProblem>> Get(
        HttpContext http, HandoverSource handovers, AccessControl access, CircularSource source, TimeProvider time,
        CancellationToken cancellationToken, string? format = null)
    {
        var rendering = (format ?? "json").ToLowerInvariant();
        if (rendering is not ("json" or "html"))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["format"] = ["One of json, html."] });
        }

        var handover = await handovers.BuildAsync(access.ScopeOf(http.User), time.GetUtcNow(), null, cancellationToken);
        return rendering == "html"
            ? TypedResults.Content(Html(handover, source.UtcOffset), "text/html; charset=utf-8")
            : TypedResults.Ok(handover);
    }

    /// <summary>The printable page; <paramref name="change"/>: the shift change a mailed report is for (its figures are of <see cref="ShiftHandover.At"/>).</summary>
    public static string Html(ShiftHandover handover, TimeSpan offset, DateTimeOffset? change = null)
    {
        string T(DateTimeOffset? at) => at is { } t ? t.ToOffset(offset).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "—";
        string E(string? text) => WebUtility.HtmlEncode(text ?? "—");
        var html = new StringBuilder(8192);
        html.Append("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>交接班报告</title><style>")
            .Append("@page{size:A4;margin:12mm}body{font-family:'Noto Sans CJK SC','WenQuanYi Zen Hei','Droid Sans Fallback',sans-serif;font-size:12px;margin:16px}")
            .Append("table{border-collapse:collapse;width:100%}th,td{border:1px solid #bbb;padding:3px 5px;text-align:left}th{background:#eee}h2{font-size:15px;margin:16px 0 6px}")
            .Append(".red{color:#c0392b;font-weight:bold}</style></head><body>");
        html.Append("<h1>交接班报告</h1><p>交接时间 ").Append(E(T(change ?? handover.At)))
            .Append(change is null ? string.Empty : "　数据截至 " + E(T(handover.At))).Append("</p><p>交班：值班员 ").Append(E(handover.Current?.Officer))
            .Append("，带班领导 ").Append(E(handover.Current?.Leader)).Append("　接班：值班员 ").Append(E(handover.Next?.Officer))
            .Append("，带班领导 ").Append(E(handover.Next?.Leader)).Append("</p>");
        html.Append("<h2>一、未销号预警（").Append(handover.OpenAlerts.Count).Append("）</h2><table><tr><th>等级</th><th>设施</th><th>状态</th><th>发出时间</th><th>处置人</th><th>编号</th></tr>");
        foreach (var a in handover.OpenAlerts)
        {
            html.Append("<tr><td").Append(a.Severity == Domain.WarningLevel.Red ? " class=\"red\"" : string.Empty).Append('>').Append(E(Messaging.MessageTemplate.SeverityZh(a.Severity)))
                .Append("</td><td>").Append(E(a.AssetName)).Append("</td><td>").Append(E(a.State.ToString())).Append("</td><td>").Append(E(T(a.RaisedAt)))
                .Append("</td><td>").Append(E(a.Assignee)).Append("</td><td>").Append(E(a.AlertId)).Append("</td></tr>");
        }

        html.Append("</table><h2>二、计时中的升级时钟（").Append(handover.RunningClocks.Count).Append("）</h2><table><tr><th>响应截止</th><th>等级</th><th>设施</th><th>编号</th></tr>");
        foreach (var a in handover.RunningClocks)
        {
            html.Append("<tr><td").Append(a.RespondBy <= handover.At ? " class=\"red\"" : string.Empty).Append('>').Append(E(T(a.RespondBy))).Append("</td><td>")
                .Append(E(Messaging.MessageTemplate.SeverityZh(a.Severity))).Append("</td><td>").Append(E(a.AssetName)).Append("</td><td>").Append(E(a.AlertId)).Append("</td></tr>");
        }

        html.Append("</table><h2>三、逾期或24小时内到期的隐患（").Append(handover.HazardsDue.Count).Append("）</h2><table><tr><th>整改期限</th><th>隐患</th><th>责任单位</th><th>状态</th><th>编号</th></tr>");
        foreach (var h in handover.HazardsDue)
        {
            html.Append("<tr><td").Append(h.Deadline <= handover.At ? " class=\"red\"" : string.Empty).Append('>').Append(E(T(h.Deadline))).Append("</td><td>")
                .Append(E(h.Description)).Append("</td><td>").Append(E(h.ResponsibleUnit)).Append("</td><td>").Append(E(h.Status.ToString())).Append("</td><td>").Append(E(h.HazardId)).Append("</td></tr>");
        }

        return html.Append("</table></body></html>").ToString();
    }
}
