using System.Globalization;
using System.Text.Json;

namespace RiskMonitor.Simulator.Drills;

/// <summary>
/// The drill report (<c>GET /api/drills/{id}/report</c>) as a few log lines: who acknowledged, arrived and reported, and
/// how long each took. Read from the JSON by name, tolerant of members it does not know (the simulator shares no types
/// with the server). Pure.
/// </summary>
internal static class DrillReportText
{
    public static IReadOnlyList<string> Lines(JsonElement report)
    {
        var lines = new List<string>();
        if (report.TryGetProperty("summary", out var summary) && summary.ValueKind == JsonValueKind.Object)
        {
            lines.Add($"{Int(summary, "alerts")} drill alert(s), {Int(summary, "acknowledged")} acknowledged; acknowledge clocks met {Int(summary, "clocksMet")}, " +
                      $"late {Int(summary, "clocksMetLate")}, missed {Int(summary, "clocksMissed")}");
        }

        foreach (var alert in Array(report, "alerts"))
        {
            lines.Add($"alert {Text(alert, "alertId")} ({Text(alert, "ruleId")}): " +
                      $"{Step(alert, "acknowledged", "acknowledged")}; {Step(alert, "workStarted", "on site")}; acknowledge clock {Text(alert, "clock")}");
        }

        foreach (var incident in Array(report, "incidents"))
        {
            var steps = Array(incident, "steps").Select(s => $"{Text(s, "act")} {Text(s, "subject")} by {Text(s, "who")} after {Seconds(s, "secondsAfter")}").ToList();
            lines.Add($"incident {Text(incident, "incidentId")} {Text(incident, "title")} ({Text(incident, "grade")}): " +
                      (steps.Count == 0 ? "nobody reported" : string.Join("; ", steps)) +
                      $"; reporting clocks late {Array(incident, "clocks").Count(c => c.TryGetProperty("late", out var late) && late.ValueKind == JsonValueKind.True)}");
        }

        foreach (var hazard in Array(report, "hazards"))
        {
            var steps = Array(hazard, "steps").Select(s => $"{Text(s, "act")} by {Text(s, "who")} after {Seconds(s, "secondsAfter")}").ToList();
            lines.Add($"hazard {Text(hazard, "hazardId")} ({Text(hazard, "level")}, {Text(hazard, "status")}): " +
                      (steps.Count == 0 ? "nobody acted" : string.Join("; ", steps)) + $"; deadline clock {Text(hazard, "clock")}");
        }

        return lines;
    }

    private static string Step(JsonElement line, string member, string verb) =>
        line.TryGetProperty(member, out var step) && step.ValueKind == JsonValueKind.Object
            ? $"{verb} by {Text(step, "actor")} after {Seconds(step, "secondsAfterRaise")}"
            : $"not {verb}";

    private static IEnumerable<JsonElement> Array(JsonElement element, string member) =>
        element.TryGetProperty(member, out var array) && array.ValueKind == JsonValueKind.Array ? array.EnumerateArray() : [];

    private static string Text(JsonElement element, string member) =>
        element.TryGetProperty(member, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Null => "-",
            _ => value.GetRawText(),
        } : "-";

    private static string Int(JsonElement element, string member) =>
        element.TryGetProperty(member, out var value) && value.TryGetInt32(out var n) ? n.ToString(CultureInfo.InvariantCulture) : "-";

    private static string Seconds(JsonElement element, string member) =>
        element.TryGetProperty(member, out var value) && value.TryGetDouble(out var seconds)
            ? seconds.ToString("0", CultureInfo.InvariantCulture) + " s"
            : "-";
}
