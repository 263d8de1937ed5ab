using System.Globalization;
using System.Text;

namespace RiskMonitor.Load;

/// <summary>The sweep's outputs for people: a Markdown table and a latency-vs-rate chart.</summary>
public static class SweepReport
{
    public static string Markdown(LoadOptions options, IReadOnlyList<SweepPoint> points, int highest, double baselineRate, string plotFile)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(inv, $"# Load sweep {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        text.AppendLine();
        text.AppendLine(inv, $"Machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}.");
        text.AppendLine(inv, $"Runs: {options.Assets} assets, {options.Seconds} s each, QoS {options.Qos}, {options.Batch} reading(s) per message, {options.Connections} connections, window {options.Window}.");
        text.AppendLine();
        text.AppendLine(inv, $"- Highest sustained rate (zero loss, offered rate achieved, p99 < {LoadSweep.MaxP99Ms:0} ms): **{highest:N0} readings/s**");
        text.AppendLine(inv, $"- Broker baseline (same publishers into a bare MQTTnet broker, one plain subscriber): **{baselineRate:N0} readings/s**");
        text.AppendLine(inv, $"- Ratio to the broker: **{(baselineRate > 0 ? highest / baselineRate : double.NaN):0.00}x**");
        text.AppendLine();
        text.AppendLine("| offered /s | achieved /s | zero loss | lost | p50 ms | p99 ms | max ms | drain s | CPU s / 1k readings | peak RSS MB | sustained |");
        text.AppendLine("|---:|---:|:-:|---:|---:|---:|---:|---:|---:|---:|:-:|");
        foreach (var p in points.OrderBy(p => p.OfferedRate))
        {
            text.AppendLine(inv, $"| {p.OfferedRate:N0} | {p.AchievedRate:N0} | {(p.ZeroLoss ? "yes" : "no")} | {p.Loss:N0} | {p.P50Ms:0.0} | {p.P99Ms:0.0} | {p.MaxMs:0.0} | {p.DrainSeconds:0.0} | {p.CpuSecondsPer1000Readings:0.000} | {p.PeakRssBytes / 1048576.0:0} | {(p.Sustained(LoadSweep.MaxP99Ms) ? "yes" : "no")} |");
        }

        text.AppendLine();
        text.AppendLine(inv, $"![latency vs rate]({plotFile})");
        return text.ToString();
    }

    public static void Plot(IReadOnlyList<SweepPoint> points, double baselineRate, string path, string title)
    {
        var ordered = points.Where(p => !double.IsNaN(p.P99Ms)).OrderBy(p => p.AchievedRate).ToArray();
        var plot = new ScottPlot.Plot();
        var rates = ordered.Select(p => p.AchievedRate).ToArray();
        var p50 = plot.Add.Scatter(rates, ordered.Select(p => p.P50Ms).ToArray());
        p50.LegendText = "p50";
        var p99 = plot.Add.Scatter(rates, ordered.Select(p => p.P99Ms).ToArray());
        p99.LegendText = "p99";
        if (baselineRate > 0)
        {
            var line = plot.Add.VerticalLine(baselineRate);
            line.LegendText = string.Create(CultureInfo.InvariantCulture, $"broker alone {baselineRate:N0}/s");
        }

        plot.Title(title);
        plot.XLabel("achieved readings/s");
        plot.YLabel("publish -> alert at the SignalR client, ms");
        plot.ShowLegend();
        plot.SavePng(path, 1000, 560);
    }
}
