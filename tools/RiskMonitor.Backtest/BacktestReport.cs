using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RiskMonitor.Backtest;

/// <summary>The backtest result (the server's <c>BacktestView</c>) as a plain-text report for a terminal or a ticket.</summary>
public static class BacktestReport
{
    public static string Format(JsonElement job)
    {
        var text = new StringBuilder();
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));

        Line($"Backtest {job.GetProperty("jobId").GetString()}: {job.GetProperty("status").GetString()}, by {job.GetProperty("author").GetString()}, against live rules version {job.GetProperty("liveVersion").GetInt64()}");
        Line($"  {Time(job, "from")} .. {Time(job, "to")}, {job.GetProperty("assetsDone").GetInt32()} of {job.GetProperty("assetsTotal").GetInt32()} assets, {job.GetProperty("samplesReplayed").GetInt64():N0} readings");
        if (job.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
        {
            Line($"  error: {error.GetString()}");
        }

        text.AppendLine();
        Line($"{"alarms",-12}{"total",8}{"blue",8}{"yellow",8}{"orange",8}{"red",8}{"flapping",10}");
        foreach (var side in new[] { "candidate", "live", "difference" })
        {
            var c = job.GetProperty(side);
            Line($"{side,-12}{N(c, "alarms"),8}{N(c, "blue"),8}{N(c, "yellow"),8}{N(c, "orange"),8}{N(c, "red"),8}{N(c, "flapping"),10}");
        }

        text.AppendLine();
        Line($"{"vs alerts",-12}{"real",6}{"matched",9}{"missed",8}{"new",6}{"false still",13}{"false avoided",15}{"detect median s",17}");
        foreach (var (label, side) in new[] { ("candidate", "candidateVsLedger"), ("live", "liveVsLedger") })
        {
            var d = job.GetProperty(side);
            Line($"{label,-12}{N(d, "realAlerts"),6}{N(d, "matched"),9}{N(d, "missed"),8}{N(d, "unmatched"),6}{N(d, "falseAlarmsStillRaised"),13}{N(d, "falseAlarmsAvoided"),15}{Seconds(d, "medianSecondsToDetect"),17}");
        }

        var assets = job.GetProperty("assets");
        if (assets.GetArrayLength() > 0)
        {
            text.AppendLine();
            Line($"{"asset",-24}{"candidate",10}{"live",8}{"real",8}");
            foreach (var a in assets.EnumerateArray())
            {
                Line($"{a.GetProperty("assetId").GetString(),-24}{N(a.GetProperty("candidate"), "alarms"),10}{N(a.GetProperty("live"), "alarms"),8}{N(a, "realAlerts"),8}");
            }
        }

        return text.ToString();
    }

    private static int N(JsonElement e, string name) => e.GetProperty(name).GetInt32();

    private static string Seconds(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble().ToString("0.#", CultureInfo.InvariantCulture) : "-";

    private static string Time(JsonElement e, string name) =>
        e.GetProperty(name).GetDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
